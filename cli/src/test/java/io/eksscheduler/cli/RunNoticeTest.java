package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunNoticeTest {
  private static final Instant AT = Instant.parse("2026-12-07T21:00:00Z");
  private static final Reconciliation.Actual AWAKE =
      new Reconciliation.Actual(false, Optional.empty());

  private static RunState ended(String runId, RunStatus status, Map<String, StepState> steps) {
    return new RunState(
        RunState.VERSION,
        runId,
        "hibernate",
        "hibernate.yaml",
        "sha256:x",
        Map.of("cluster", "dev"),
        "cluster/dev",
        status,
        RunState.MAIN,
        null,
        1,
        AT,
        AT,
        1,
        "host",
        0,
        steps);
  }

  private static StepState failed(String error) {
    return new StepState(StepStatus.FAILED, 1, AT, AT, null, null, Map.of(), error, Map.of());
  }

  private static Reconciliation.Actual partial(String runId, RunStatus status) {
    return new Reconciliation.Actual(
        false,
        Optional.of(new RunSummary(runId, "hibernate", "cluster/dev", status, AT, AT, 1, 7, "h")));
  }

  @Test
  void aSucceededStopTellsTheChange() {
    RunNotice.Tell tell =
        assertInstanceOf(
            RunNotice.Tell.class,
            RunNotice.decide("dev", ended("r1", RunStatus.SUCCEEDED, Map.of()), AWAKE, true));
    assertEquals("EKS cluster dev is asleep (was awake; run r1)", tell.text());
    assertEquals(
        new Notifier.Message(
            "dev",
            "awake",
            "asleep",
            "r1",
            "succeeded",
            null,
            "EKS cluster dev is asleep (was" + " awake; run r1)"),
        tell.message());
  }

  @Test
  void aFailedStartTellsItsFirstFailedStep() {
    Map<String, StepState> steps = new LinkedHashMap<>();
    steps.put("scale", StepState.pending());
    steps.put("wake", failed("timed out"));
    steps.put("notify", failed("later"));
    RunNotice.Tell tell =
        assertInstanceOf(
            RunNotice.Tell.class,
            RunNotice.decide(
                "dev",
                ended("r2", RunStatus.FAILED, steps),
                partial("r1", RunStatus.FAILED),
                false));
    assertEquals("EKS cluster dev: start failed (run r2): step wake: timed out", tell.text());
    assertEquals("failed", tell.message().result());
    assertEquals("partial", tell.message().from());
    assertEquals("awake", tell.message().to());
    assertEquals("step wake: timed out", tell.message().error());
  }

  @Test
  void aFailureWithoutAStepErrorSaysTheRunFailed() {
    assertEquals("the run failed", RunNotice.firstError(ended("r1", RunStatus.FAILED, Map.of())));
  }

  @Test
  void aFailedRunFailingAgainIsNotToldTwice() {
    assertEquals(
        new RunNotice.ToldBefore("r1"),
        RunNotice.decide(
            "dev", ended("r1", RunStatus.FAILED, Map.of()), partial("r1", RunStatus.FAILED), true));
  }

  @Test
  void anInterruptedRunContinuedAndFailingIsTold() {
    assertInstanceOf(
        RunNotice.Tell.class,
        RunNotice.decide(
            "dev",
            ended("r1", RunStatus.FAILED, Map.of()),
            partial("r1", RunStatus.INTERRUPTED),
            true));
  }

  @Test
  void aRunThatDidNotEndTellsNothing() {
    assertEquals(
        new RunNotice.Nothing(),
        RunNotice.decide("dev", ended("r1", RunStatus.INTERRUPTED, Map.of()), AWAKE, true));
  }
}
