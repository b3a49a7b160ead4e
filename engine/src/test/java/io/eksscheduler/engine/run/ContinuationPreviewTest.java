package io.eksscheduler.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StateLog;
import io.eksscheduler.engine.state.StepStatus;
import io.eksscheduler.engine.testing.Fixtures;
import io.eksscheduler.engine.testing.TestStep;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry-run of a run that continues an unfinished one shows its ended steps as kept, with their
 * stored outputs, which later steps read; and a changed playbook travels in the events alone.
 */
class ContinuationPreviewTest {
  @TempDir Path dir;

  private final TestStep action = new TestStep();

  private TestRuns runs() {
    return new TestRuns(action, dir, Map.of());
  }

  private static final String YAML =
      Fixtures.header("cont")
          + "steps:\n"
          + "  - {id: first, action: test.step, with: {value: one}}\n"
          + "  - {id: second, action: test.step, needs: [first], with: {value: two, failTimes: 1}}\n"
          + "finally:\n"
          + "  - {id: report, action: test.step, when: \"${{ steps.first.outputs.value == 'stored'"
          + " }}\", with: {value: three}}\n";

  @Test
  void theStepsAFailedRunEndedAreKeptWithTheirStoredOutputs() throws Exception {
    RunState failed = runs().run(YAML);
    assertEquals(RunStatus.FAILED, failed.status());

    // What later steps read is the kept step's stored output, not a prediction of it.
    RunState stored =
        failed.withStep("first", failed.step("first").withOutputs(Map.of("value", "stored")));
    List<DryRun.StepPreview> previews = runs().preview(YAML, Optional.of(stored));

    DryRun.StepPreview first = previews.get(0);
    assertNotNull(first.kept());
    assertEquals(StepStatus.SUCCEEDED, first.kept().status());
    assertEquals("stored", first.kept().outputs().get("value"));
    DryRun.StepPreview second = previews.get(1);
    assertNull(second.kept());
    assertTrue(second.plan().isPresent(), "the failed step is planned again");
    DryRun.StepPreview report = previews.get(2);
    assertNull(report.kept(), "finally steps run again in a new round");
    assertTrue(!report.skipped(), "its when read the stored output of first");
    List<DryRun.StepPreview> fresh = runs().preview(YAML, Optional.empty());
    assertTrue(
        fresh.get(2).error().contains("its plan predicts no such output"),
        "without the run, only first's plan is there to read: " + fresh.get(2));
  }

  @Test
  void aReplannedStepReadsItsLedgerAndTheParametersItStored() throws Exception {
    String yaml =
        Fixtures.header("cont")
            + "steps:\n"
            + "  - {id: first, action: test.step, with: {value: one}}\n"
            + "  - {id: second, action: test.step, needs: [first], with: {echo: true, failTimes: 1,"
            + " value: '${{ steps.first.outputs.value }}'}}\n";
    RunState failed = runs().run(yaml);
    assertEquals(RunStatus.FAILED, failed.status());
    // Rendered afresh, second's value would read this; a resume runs with what it stored.
    RunState stored =
        failed.withStep("first", failed.step("first").withOutputs(Map.of("value", "changed")));

    DryRun.StepPreview second = runs().preview(yaml, Optional.of(stored)).get(1);

    assertNull(second.kept());
    Map<String, Object> predicted = second.plan().orElseThrow().predictedOutputs();
    assertEquals("one", predicted.get("value"), "the with it stored");
    assertEquals("began", predicted.get("ledger"), "the ledger its failed attempt wrote");
  }

  @Test
  void aChangedPlaybookIsPartOfTheEventThatChangesIt() {
    RunState before =
        new RunState(
            RunState.VERSION,
            "r",
            "p",
            "a.yaml",
            "sha256:old",
            Map.of(),
            null,
            RunStatus.FAILED,
            RunState.MAIN,
            null,
            1,
            null,
            null,
            1,
            "h",
            0,
            Map.of());
    RunState after = before.withPlaybook("a.yaml", "sha256:new").withStatus(RunStatus.RUNNING);
    var event =
        new io.eksscheduler.engine.state.Event(
                1, null, "r", "run-resumed", null, null, "running", null, null, null, null)
            .withChange(StateLog.delta(before, after));
    assertEquals("sha256:new", StateLog.apply(before, event).playbookDigest());
    var plain =
        new io.eksscheduler.engine.state.Event(
                2, null, "r", "step-started", null, null, "running", null, null, null, null)
            .withChange(StateLog.delta(after, after));
    assertTrue(plain.change().path("run").path("playbookDigest").isMissingNode());
  }
}
