package io.eksscheduler.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StateLog;
import io.eksscheduler.engine.state.StepStatus;
import io.eksscheduler.engine.testing.Fixtures;
import io.eksscheduler.engine.testing.TestStep;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry-run of a run that continues an unfinished one shows its ended steps as kept, with their
 * stored outputs, which later steps read; and a changed playbook travels in the events alone.
 */
class ContinuationPreviewTest {
  @TempDir Path dir;

  private final TestStep action = new TestStep();

  private static final String YAML =
      Fixtures.header("cont")
          + "steps:\n"
          + "  - {id: first, action: test.step, with: {value: one}}\n"
          + "  - {id: second, action: test.step, needs: [first], with: {value: two, failTimes: 1}}\n"
          + "finally:\n"
          + "  - {id: report, action: test.step, when: \"${{ steps.first.outputs.value == 'stored'"
          + " }}\", with: {value: three}}\n";

  private RunExecutor.Settings settings() {
    return new RunExecutor.Settings(
        Clock.systemUTC(), d -> {}, new Random(1), Duration.ofSeconds(5), Map.of());
  }

  @Test
  void theStepsAFailedRunEndedAreKeptWithTheirStoredOutputs() throws Exception {
    Playbook p = Fixtures.playbook(YAML, action);
    ActionRegistry registry = new ActionRegistry(List.of(action));
    RunExecutor executor = new RunExecutor(registry, new SchemaCheck(), new Clients(), settings());
    RunState failed;
    try (DirectoryRunStore store = new DirectoryRunStore(dir)) {
      failed =
          new Runs(executor, store, settings(), "h")
              .start(p, YAML, Map.of(), "r1", EventSink.none(), new AtomicBoolean(), (k, h) -> {});
    }
    assertEquals(RunStatus.FAILED, failed.status());

    // What later steps read is the kept step's stored output, not a prediction of it.
    RunState stored =
        failed.withStep("first", failed.step("first").withOutputs(Map.of("value", "stored")));
    List<DryRun.StepPreview> previews =
        new DryRun(registry, new SchemaCheck(), new Clients(), settings())
            .preview(p, Map.of(), "r1", Optional.of(stored));

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
    List<DryRun.StepPreview> fresh =
        new DryRun(registry, new SchemaCheck(), new Clients(), settings())
            .preview(p, Map.of(), "r2", Optional.empty());
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
    Playbook p = Fixtures.playbook(yaml, action);
    ActionRegistry registry = new ActionRegistry(List.of(action));
    RunExecutor executor = new RunExecutor(registry, new SchemaCheck(), new Clients(), settings());
    RunState failed;
    try (DirectoryRunStore store = new DirectoryRunStore(dir)) {
      failed =
          new Runs(executor, store, settings(), "h")
              .start(p, yaml, Map.of(), "r1", EventSink.none(), new AtomicBoolean(), (k, h) -> {});
    }
    assertEquals(RunStatus.FAILED, failed.status());
    // Rendered afresh, second's value would read this; a resume runs with what it stored.
    RunState stored =
        failed.withStep("first", failed.step("first").withOutputs(Map.of("value", "changed")));

    DryRun.StepPreview second =
        new DryRun(registry, new SchemaCheck(), new Clients(), settings())
            .preview(p, Map.of(), "r1", Optional.of(stored))
            .get(1);

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
