package io.eksscheduler.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
import io.eksscheduler.engine.testing.Fixtures;
import io.eksscheduler.engine.testing.TestStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunExecutorTest {
  @TempDir Path dir;

  private final TestStep action = new TestStep();
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, String> env = Map.of("SECRET", "hunter2-do-not-store");

  private RunExecutor.Settings settings() {
    return new RunExecutor.Settings(
        Clock.systemUTC(), slept::add, new Random(1), Duration.ofSeconds(5), env);
  }

  private Runs runs(DirectoryRunStore store) {
    RunExecutor executor =
        new RunExecutor(
            new ActionRegistry(List.of(action)), new SchemaCheck(), new Clients(), settings());
    return new Runs(executor, store, settings(), "test-host");
  }

  private RunState run(String yaml, Map<String, Object> params, AtomicBoolean interrupt)
      throws Exception {
    Playbook p = Fixtures.playbook(yaml, action);
    DirectoryRunStore store = new DirectoryRunStore(dir);
    try {
      return runs(store).start(p, yaml, params, "r1", EventSink.none(), interrupt, (k, h) -> {});
    } finally {
      store.close();
    }
  }

  /** Runs {@code yaml}, interrupting the run (as SIGINT would) once step {@code step} started. */
  private RunState runInterruptedAt(String step, String yaml) throws Exception {
    AtomicBoolean interrupt = new AtomicBoolean();
    Thread trigger =
        new Thread(
            () -> {
              while (!action.order.contains("start:" + step)) {
                Thread.onSpinWait();
              }
              interrupt.set(true);
            });
    trigger.start();
    RunState stopped = run(yaml, Map.of(), interrupt);
    trigger.join();
    return stopped;
  }

  private RunState resume(DirectoryRunStore store, Playbook p) throws Exception {
    return runs(store)
        .resume(
            p, "r1", null, Optional.empty(), EventSink.none(), new AtomicBoolean(), (k, h) -> {});
  }

  private RunState run(String yaml) throws Exception {
    return run(yaml, Map.of(), new AtomicBoolean());
  }

  @Test
  void stepsRunInWaveOrderWithTiesByDeclaration() throws Exception {
    String yaml =
        Fixtures.header("order")
            + "concurrency: 1\n"
            + "steps:\n"
            + "  - {id: c, action: test.step, needs: [a]}\n"
            + "  - {id: b, action: test.step}\n"
            + "  - {id: a, action: test.step}\n"
            + "  - {id: d, action: test.step, needs: [c, b]}\n";
    RunState end = run(yaml);
    assertEquals(RunStatus.SUCCEEDED, end.status());
    assertEquals(List.of("b#1", "a#1", "c#1", "d#1"), action.calls);
  }

  @Test
  void retryCountsEveryAttemptAndBacksOff() throws Exception {
    String yaml =
        Fixtures.header("retry")
            + "steps:\n"
            + "  - id: flaky\n"
            + "    action: test.step\n"
            + "    retry: {attempts: 3, backoff: 10s, maxBackoff: 15s}\n"
            + "    with: {failTimes: 2}\n";
    RunState end = run(yaml);
    assertEquals(RunStatus.SUCCEEDED, end.status());
    assertEquals(3, end.step("flaky").attempts());
    assertEquals(List.of("flaky#1", "flaky#2", "flaky#3"), action.calls);
    assertEquals(2, slept.size());
    assertTrue(slept.get(0).compareTo(Duration.ofSeconds(5)) >= 0, "jitter keeps half: " + slept);
    assertTrue(slept.get(0).compareTo(Duration.ofSeconds(10)) <= 0);
    assertTrue(slept.get(1).compareTo(Duration.ofSeconds(15)) <= 0, "capped: " + slept);
  }

  @Test
  void stepFailsWhenAttemptsRunOut() throws Exception {
    String yaml =
        Fixtures.header("retry")
            + "steps:\n"
            + "  - id: flaky\n"
            + "    action: test.step\n"
            + "    retry: {attempts: 2, backoff: 1s}\n"
            + "    with: {failTimes: 5}\n";
    RunState end = run(yaml);
    assertEquals(RunStatus.FAILED, end.status());
    assertEquals(StepStatus.FAILED, end.step("flaky").status());
    assertEquals("planned failure 2", end.step("flaky").error());
    assertEquals(2, action.calls.size());
  }

  @Test
  void nonRetryableFailureIsNotRetried() throws Exception {
    String yaml =
        Fixtures.header("noretry")
            + "steps:\n"
            + "  - id: bad\n"
            + "    action: test.step\n"
            + "    retry: {attempts: 5}\n"
            + "    with: {failTimes: 5, retryable: false}\n";
    RunState end = run(yaml);
    assertEquals(StepStatus.FAILED, end.step("bad").status());
    assertEquals(List.of("bad#1"), action.calls);
  }

  @Test
  void timeoutInterruptsTheAttempt() throws Exception {
    String yaml =
        Fixtures.header("timeout")
            + "steps:\n"
            + "  - {id: slow, action: test.step, timeout: 200ms, with: {sleep: 30s}}\n";
    long start = System.nanoTime();
    RunState end = run(yaml);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(StepStatus.FAILED, end.step("slow").status());
    assertEquals("attempt timed out after 200ms", end.step("slow").error());
    assertTrue(action.order.contains("end:slow"), "the attempt was interrupted and ended");
    assertTrue(millis < 10_000, "took " + millis + " ms");
  }

  @Test
  void skippedStepStillLetsItsDependentsRun() throws Exception {
    String yaml =
        Fixtures.header("when")
            + "params: {go: {type: boolean, default: false}}\n"
            + "steps:\n"
            + "  - {id: maybe, action: test.step, when: '${{ params.go }}'}\n"
            + "  - {id: after, action: test.step, needs: [maybe]}\n";
    RunState end = run(yaml, Map.of("go", false), new AtomicBoolean());
    assertEquals(StepStatus.SKIPPED, end.step("maybe").status());
    assertEquals(StepStatus.SUCCEEDED, end.step("after").status());
    assertEquals(RunStatus.SUCCEEDED, end.status());
  }

  @Test
  void abortCancelsWhatHasNotStartedAndFinallyStillRuns() throws Exception {
    String yaml =
        Fixtures.header("abort")
            + "steps:\n"
            + "  - {id: boom, action: test.step, with: {failTimes: 1}}\n"
            + "  - {id: later, action: test.step, needs: [boom]}\n"
            + "finally:\n"
            + "  - {id: report, action: test.step, with: {value: '${{ steps.boom.status }}'}}\n";
    RunState end = run(yaml);
    assertEquals(RunStatus.FAILED, end.status());
    assertEquals(StepStatus.CANCELLED, end.step("later").status());
    assertEquals(StepStatus.SUCCEEDED, end.step("report").status());
    assertEquals("failed", end.step("report").outputs().get("value"));
    assertTrue(end.step("boom").error().startsWith("planned failure 1"));
  }

  @Test
  void failureWithContinueLetsTheRunSucceed() throws Exception {
    String yaml =
        Fixtures.header("cont")
            + "steps:\n"
            + "  - {id: meh, action: test.step, onFailure: continue, with: {failTimes: 1}}\n"
            + "  - {id: after, action: test.step, needs: [meh]}\n";
    RunState end = run(yaml);
    assertEquals(RunStatus.SUCCEEDED, end.status());
    assertEquals(StepStatus.FAILED, end.step("meh").status());
    assertEquals(StepStatus.SUCCEEDED, end.step("after").status());
  }

  @Test
  void outputsFlowToLaterStepsWithTheirType() throws Exception {
    String yaml =
        Fixtures.header("outputs")
            + "steps:\n"
            + "  - {id: a, action: test.step, with: {count: 41}}\n"
            + "  - {id: b, action: test.step, needs: [a], with: {value: '${{ steps.a.outputs.count"
            + " }}', count: '${{ steps.a.outputs.count }}'}}\n";
    RunState end = run(yaml);
    assertEquals(41L, end.step("b").outputs().get("value"));
    assertEquals(41L, end.step("b").outputs().get("count"));
  }

  @Test
  void interruptLeavesTheRunResumableAndResumeRunsNoSucceededStepAgain() throws Exception {
    String yaml =
        Fixtures.header("interrupt")
            + "concurrency: 1\n"
            + "steps:\n"
            + "  - {id: one, action: test.step}\n"
            + "  - {id: two, action: test.step, needs: [one], with: {sleep: 30s}}\n"
            + "  - {id: three, action: test.step, needs: [two]}\n"
            + "finally:\n"
            + "  - {id: report, action: test.step}\n";
    RunState stopped = runInterruptedAt("two", yaml);
    assertEquals(RunStatus.INTERRUPTED, stopped.status());
    assertEquals(StepStatus.SUCCEEDED, stopped.step("one").status());
    assertEquals(StepStatus.CANCELLED, stopped.step("two").status());
    assertEquals(StepStatus.PENDING, stopped.step("report").status(), "finally waits");

    Playbook p = Fixtures.playbook(yaml, action);
    DirectoryRunStore store = new DirectoryRunStore(dir);
    RunState end = resume(store, p);
    store.close();
    assertEquals(RunStatus.SUCCEEDED, end.status());
    assertEquals(List.of("one#1", "two#1", "two#2", "three#1", "report#1"), action.calls);
  }

  @Test
  void resumeOfAFailedRunRunsFinallyAgain() throws Exception {
    String yaml =
        Fixtures.header("again")
            + "steps:\n"
            + "  - {id: ok, action: test.step}\n"
            + "  - {id: flaky, action: test.step, needs: [ok], with: {failTimes: 1}}\n"
            + "finally:\n"
            + "  - {id: report, action: test.step, with: {value: '${{ steps.flaky.status }}'}}\n";
    RunState failed = run(yaml);
    assertEquals("failed", failed.step("report").outputs().get("value"));
    assertEquals(RunStatus.FAILED, failed.status());
    DirectoryRunStore store = new DirectoryRunStore(dir);
    RunState end = resume(store, Fixtures.playbook(yaml, action));
    store.close();
    assertEquals(RunStatus.SUCCEEDED, end.status());
    assertEquals(2, end.round());
    assertEquals(List.of("ok#1", "flaky#1", "report#1", "flaky#2", "report#2"), action.calls);
    assertEquals("succeeded", end.step("report").outputs().get("value"), "finally re-rendered");
  }

  @Test
  void envValuesAreMaskedInEveryParallelStep() throws Exception {
    StringBuilder yaml = new StringBuilder(Fixtures.header("envpar") + "concurrency: 3\nsteps:\n");
    for (String id : List.of("a", "b", "c")) {
      yaml.append("  - {id: ")
          .append(id)
          .append(", action: test.step, with: {sleep: 100ms, value:")
          .append(" '")
          .append(id)
          .append(" ${{ env.SECRET }}'}}\n");
    }
    RunState end = run(yaml.toString());
    assertEquals(RunStatus.SUCCEEDED, end.status());
    for (String id : List.of("a", "b", "c")) {
      assertEquals(id + " ***", end.step(id).outputs().get("value"));
    }
    String events = Files.readString(dir.resolve("runs/r1/events.jsonl"));
    assertFalse(events.contains("hunter2"), events);
  }

  @Test
  void valuesReadFromEnvAreNeverWrittenToStateOrEvents() throws Exception {
    String yaml =
        Fixtures.header("env")
            + "steps:\n"
            + "  - {id: s, action: test.step, with: {value: 'token=${{ env.SECRET }}'}}\n";
    RunState end = run(yaml);
    assertEquals(RunStatus.SUCCEEDED, end.status());
    Path runDir = dir.resolve("runs").resolve("r1");
    String state = Files.readString(runDir.resolve("state.json"));
    String events = Files.readString(runDir.resolve("events.jsonl"));
    assertFalse(state.contains("hunter2"), state);
    assertFalse(events.contains("hunter2"), events);
  }

  @Test
  void renderedValuesAreStoredSoResumeNeverReevaluates() throws Exception {
    String yaml =
        Fixtures.header("stored")
            + "params: {n: {type: integer, default: 5}}\n"
            + "steps:\n"
            + "  - {id: s, action: test.step, with: {count: '${{ params.n }}'}}\n";
    RunState end = run(yaml, Map.of("n", 9L), new AtomicBoolean());
    assertEquals(9L, end.params().get("n"));
    assertEquals(9, end.step("s").with().path("count").asInt());
    assertEquals(Boolean.TRUE, end.step("s").when());
  }

  @Test
  void abandoningAnInterruptedRunCancelsWhatIsLeftAndRunsFinallyOnce() throws Exception {
    String yaml =
        Fixtures.header("abandon")
            + "concurrency: 1\n"
            + "steps:\n"
            + "  - {id: one, action: test.step, with: {sleep: 30s}}\n"
            + "  - {id: two, action: test.step, needs: [one]}\n"
            + "finally:\n"
            + "  - {id: report, action: test.step}\n";
    RunState stopped = runInterruptedAt("one", yaml);
    assertEquals(RunStatus.INTERRUPTED, stopped.status());
    DirectoryRunStore store = new DirectoryRunStore(dir);
    RunState end =
        runs(store)
            .abandon(
                Fixtures.playbook(yaml, action),
                store.load("r1").orElseThrow(),
                EventSink.none(),
                new AtomicBoolean(),
                (k, h) -> {});
    store.close();
    assertEquals(RunStatus.ABANDONED, end.status());
    assertEquals(StepStatus.CANCELLED, end.step("one").status());
    assertEquals(StepStatus.CANCELLED, end.step("two").status());
    assertEquals(StepStatus.SUCCEEDED, end.step("report").status());
    assertEquals(List.of("one#1", "report#1"), action.calls);
  }
}
