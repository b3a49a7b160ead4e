package io.eksscheduler.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.playbook.RetryPolicy;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A dry-run's text stays readable however much a step would do: counts instead of long lines. */
class PlanTextTest {

  /** A step of {@code action} with every field at its default. */
  static Step step(String id, String action) {
    return new Step(
        id,
        id,
        action,
        new ObjectMapper().createObjectNode(),
        List.of(),
        null,
        Duration.ofHours(1),
        Optional.empty(),
        RetryPolicy.NONE,
        Step.OnFailure.ABORT,
        false,
        "/steps/0");
  }

  private static List<String> numbered(String prefix, int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
  }

  @Test
  void eachPredictedOutputHasItsOwnLine() {
    List<String> lines =
        PlanText.plan(new Plan(List.of("cordon node a"), Map.of("nodes", 2L, "stdout", "")));
    assertEquals(
        List.of("      cordon node a", "      predicted nodes: 2", "      predicted stdout: \"\""),
        lines);
  }

  @Test
  void aLongListIsCountedWithItsFirstItems() {
    assertEquals(
        "8 (CronJob batch/a, CronJob batch/b, Job batch/c, … 5 more)",
        PlanText.value(
            List.of("CronJob batch/a", "CronJob batch/b", "Job batch/c", "d", "e", "f", "g", "h")));
    assertEquals("2 (a, b)", PlanText.value(List.of("a", "b")));
    assertEquals("none", PlanText.value(List.of()));
  }

  @Test
  void aListOfListsIsCountedWithTheirSizes() {
    assertEquals(
        "4 lists of 3, 1, 3, 1 items",
        PlanText.value(
            List.of(List.of("a", "b", "c"), List.of("d"), List.of("e", "f", "g"), List.of("h"))));
  }

  @Test
  void longTextIsCutWithItsLength() {
    String text = "x".repeat(PlanText.TEXT_CHARS + 20);
    assertEquals(
        "x".repeat(PlanText.TEXT_CHARS) + "… (" + text.length() + " characters)",
        PlanText.value(text));
    assertEquals("one\\ntwo", PlanText.value("one\ntwo"));
  }

  @Test
  void changesBeyondTheLimitAreCounted() {
    List<String> lines = PlanText.plan(Plan.of(numbered("evict pod", PlanText.CHANGE_LINES + 7)));
    assertEquals(PlanText.CHANGE_LINES + 1, lines.size());
    assertEquals("      evict pod 1", lines.get(0));
    assertEquals(
        "      … and 7 more changes (--output json lists every change)",
        lines.get(lines.size() - 1));
  }

  @Test
  void whatAStepKeepsAsItIsIsShownAsKept() {
    List<String> lines =
        PlanText.plan(
            Plan.nothing()
                .withUnchanged(
                    List.of(
                        "CronJob batch/cleanup: already suspended, kept", "node a is cordoned")));
    assertEquals(
        List.of(
            "      no change",
            "      kept as they are: 2",
            "        CronJob batch/cleanup: already suspended, kept",
            "        node a is cordoned"),
        lines);
    List<String> many =
        PlanText.plan(Plan.nothing().withUnchanged(numbered("node", PlanText.UNCHANGED_LINES + 2)));
    assertEquals(
        "        … and 2 more kept (--output json lists every one)", many.get(many.size() - 1));
  }

  @Test
  void anInexactOutputSaysWhy() {
    Plan plan =
        new Plan(List.of(), Map.of("deletedPods", List.of("kube-system/coredns-1")))
            .withInexact(Map.of("deletedPods", "which replica goes first"));
    assertTrue(
        PlanText.plan(plan)
            .contains(
                "      predicted deletedPods: 1 (kube-system/coredns-1)"
                    + " (inexact: which replica goes first)"),
        PlanText.plan(plan).toString());
  }

  @Test
  void aKeptStepShowsItsStoredOutputsOnePerLine() {
    StepState kept =
        StepState.pending()
            .moveTo(StepStatus.RUNNING)
            .withOutputs(Map.of("exitCode", 0L))
            .moveTo(StepStatus.SUCCEEDED);
    List<String> lines =
        PlanText.step(
            new DryRun.StepPreview(step("first", "exec"), 0, false, Optional.empty(), null, kept));
    assertEquals(
        List.of(
            "  first (exec): succeeded in the run it continues, kept", "      stored exitCode: 0"),
        lines);
  }

  @Test
  void aStepThatCannotBePlannedSaysWhy() {
    List<String> lines =
        new ArrayList<>(
            PlanText.step(
                new DryRun.StepPreview(
                    step("drain", "nodes.drain"), 0, false, Optional.empty(), "no cluster")));
    assertEquals(List.of("  drain (nodes.drain): cannot plan: no cluster"), lines);
  }
}
