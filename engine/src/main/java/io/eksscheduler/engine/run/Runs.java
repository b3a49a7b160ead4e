package io.eksscheduler.engine.run;

import io.eksscheduler.engine.expr.EvaluationException;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunLock;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** Starts, resumes and abandons runs: takes the lock, creates or loads state, runs, releases. */
public final class Runs {
  private final RunExecutor executor;
  private final RunStore store;
  private final RunExecutor.Settings settings;
  private final String host;
  private final String heldKey;

  public Runs(RunExecutor executor, RunStore store, RunExecutor.Settings settings, String host) {
    this(executor, store, settings, host, null);
  }

  private Runs(
      RunExecutor executor,
      RunStore store,
      RunExecutor.Settings settings,
      String host,
      String heldKey) {
    this.executor = executor;
    this.store = store;
    this.settings = settings;
    this.host = host;
    this.heldKey = heldKey;
  }

  /**
   * These runs for a caller that already holds the playbook lock {@code key} (to choose, under it,
   * which run to continue and which to abandon): runs of that key take only their own run lock.
   */
  public Runs holdingKey(String key) {
    return new Runs(executor, store, settings, host, key);
  }

  /** Reports a lock taken over from a dead holder, before the run goes on. */
  public interface LockReport {
    void tookOver(String key, LockHolder deadHolder);
  }

  /** Starts a new run of {@code playbook} and runs it to its end or an interrupt. */
  public RunState start(
      Playbook playbook,
      String playbookText,
      Map<String, Object> params,
      String runId,
      EventSink sink,
      AtomicBoolean interrupt,
      LockReport report)
      throws IOException, LockHeldException, EvaluationException {
    RunState withLock = initial(playbook, playbookText, params, runId, host, settings);
    String lockKey = withLock.lockKey();
    try (RunLock lock = lock(lockKey, runId, report)) {
      store.create(withLock, playbookText);
      RunRecorder recorder = new RunRecorder(Optional.of(store), sink, settings.clock(), withLock);
      recorder.update(
          s -> s, recorder.event("run-started", null, null, "running", playbook.name()));
      return executor.execute(playbook, recorder, interrupt);
    }
  }

  /**
   * The first state of a run of {@code playbook}: every step pending, its lock key rendered from
   * {@code params}.
   */
  static RunState initial(
      Playbook playbook,
      String playbookText,
      Map<String, Object> params,
      String runId,
      String host,
      RunExecutor.Settings settings)
      throws EvaluationException {
    Map<String, StepState> steps = new LinkedHashMap<>();
    playbook.allSteps().forEach(s -> steps.put(s.id(), StepState.pending()));
    RunState initial =
        RunState.started(
            runId,
            playbook.name(),
            playbook.file(),
            digest(playbookText),
            params,
            settings.clock().instant(),
            host,
            steps);
    if (playbook.lock().isEmpty()) {
      return initial;
    }
    String lockKey = new Rendering(initial, settings.env(), false).text(playbook.lock().get());
    return new RunState(
        initial.version(),
        runId,
        initial.playbook(),
        initial.playbookFile(),
        initial.playbookDigest(),
        params,
        lockKey,
        initial.status(),
        initial.phase(),
        null,
        1,
        initial.startedAt(),
        initial.updatedAt(),
        initial.pid(),
        host,
        0,
        steps);
  }

  /** The lock key a run of {@code playbook} with {@code params} takes, if the playbook has one. */
  public Optional<String> lockKey(Playbook playbook, Map<String, Object> params, String runId)
      throws EvaluationException {
    return Optional.ofNullable(initial(playbook, "", params, runId, host, settings).lockKey());
  }

  /**
   * Resumes a run: no succeeded step runs again; interrupted, failed and cancelled steps run again
   * (from their ledgers); a run that ended failed runs its finally again when it ends.
   *
   * <p>The state is read again once the run's lock is held, so a concurrent run cannot have changed
   * it in between. With {@code changedText} (the playbook file as it is now, chosen by the user)
   * the run keeps that text as its copy and every step that has not succeeded renders its
   * parameters afresh from it.
   *
   * @throws IllegalStateException when the run cannot be resumed (it ended for good)
   */
  public RunState resume(
      Playbook playbook,
      String runId,
      String lockKey,
      Optional<String> changedText,
      EventSink sink,
      AtomicBoolean interrupt,
      LockReport report)
      throws IOException, LockHeldException {
    try (RunLock lock = lock(lockKey, runId, report)) {
      RunState saved =
          store.load(runId).orElseThrow(() -> new IllegalStateException("no run " + runId));
      if (!saved.status().resumable()) {
        throw new IllegalStateException(
            "run " + runId + " " + saved.status().label() + "; nothing to resume");
      }
      RunState current = saved;
      if (changedText.isPresent()) {
        store.replacePlaybook(runId, changedText.get());
        current = current.withPlaybook(saved.playbookFile(), digest(changedText.get()));
        for (Map.Entry<String, StepState> e : saved.steps().entrySet()) {
          if (e.getValue().status() != StepStatus.SUCCEEDED) {
            current = current.withStep(e.getKey(), e.getValue().withRendered(null, null));
          }
        }
      }
      RunState prepared = continuation(current, playbook);
      RunRecorder recorder = new RunRecorder(Optional.of(store), sink, settings.clock(), saved);
      recorder.update(
          s -> prepared.withProcess(ProcessHandle.current().pid(), host),
          recorder.event("run-resumed", null, null, "running", "round " + prepared.round()));
      return executor.execute(playbook, recorder, interrupt);
    }
  }

  /** Closes a run for good, running its finally if its last attempt did not. */
  public RunState abandon(
      Playbook playbook, RunState saved, EventSink sink, AtomicBoolean interrupt, LockReport report)
      throws IOException, LockHeldException {
    try (RunLock lock = lock(saved.lockKey(), saved.runId(), report)) {
      RunRecorder recorder = new RunRecorder(Optional.of(store), sink, settings.clock(), saved);
      if (saved.status() == RunStatus.FAILED) {
        return recorder.update(
            s -> s.withStatus(RunStatus.ABANDONED),
            recorder.event("run-finished", null, null, "abandoned", "finally already ran"));
      }
      RunState prepared = resetInterrupted(saved, playbook, true);
      recorder.update(
          s -> prepared.withProcess(ProcessHandle.current().pid(), host),
          recorder.event("run-abandoning", null, null, "running", "running finally"));
      for (Step step : playbook.steps()) {
        if (!recorder.state().step(step.id()).status().done()) {
          recorder.updateStep(
              step.id(),
              st ->
                  (st.status() == StepStatus.RUNNING ? st.moveTo(StepStatus.PENDING) : st)
                      .moveTo(StepStatus.CANCELLED)
                      .withError("the run was abandoned"),
              recorder.event(
                  "step-cancelled", step.id(), null, "cancelled", "the run was abandoned"));
        }
      }
      return executor.runFinally(playbook, recorder, interrupt, RunStatus.ABANDONED);
    }
  }

  /**
   * The state a resume of {@code saved} runs from, with {@code playbook}: steps the playbook added
   * are pending; steps to run again keep their ledgers and their stored {@code when} and {@code
   * with}; the others keep their end.
   */
  static RunState continuation(RunState saved, Playbook playbook) {
    RunState current = saved;
    for (Step step : playbook.allSteps()) {
      if (!current.steps().containsKey(step.id())) {
        current = current.withStep(step.id(), StepState.pending()); // added by a changed file
      }
    }
    return prepareResume(current, playbook);
  }

  private static RunState prepareResume(RunState saved, Playbook playbook) {
    if (saved.status() == RunStatus.FAILED) {
      // A new round: what failed or never started runs again, and finally runs again at the end.
      RunState next = saved.withRound(saved.round() + 1).withPhase(RunState.MAIN, null);
      for (Step step : playbook.allSteps()) {
        StepState st = next.step(step.id());
        boolean again =
            step.inFinally()
                || st.status() == StepStatus.CANCELLED
                || (st.status() == StepStatus.FAILED && step.onFailure() == Step.OnFailure.ABORT);
        if (step.inFinally()) {
          // A new round's finally reports the new outcome: it renders and records afresh.
          next = next.withStep(step.id(), StepState.pending());
        } else if (again && st.status() != StepStatus.PENDING) {
          next = next.withStep(step.id(), fresh(st));
        }
      }
      return next.withStatus(RunStatus.RUNNING);
    }
    return resetInterrupted(saved, playbook, false).withStatus(RunStatus.RUNNING);
  }

  /** Steps of the current phase that were cut short become pending, keeping their ledgers. */
  private static RunState resetInterrupted(RunState saved, Playbook playbook, boolean finallyOnly) {
    RunState next = saved;
    boolean inFinally = RunState.FINALLY.equals(saved.phase()) || finallyOnly;
    for (Step step : playbook.allSteps()) {
      if (step.inFinally() != inFinally) {
        continue;
      }
      StepState st = next.step(step.id());
      boolean again =
          st.status() == StepStatus.RUNNING
              || st.status() == StepStatus.CANCELLED
              || (st.status() == StepStatus.FAILED && step.onFailure() == Step.OnFailure.ABORT);
      if (again) {
        next = next.withStep(step.id(), fresh(st));
      }
    }
    return next;
  }

  /** The step ready to run again: rendered values and ledger kept, attempts counted afresh. */
  private static StepState fresh(StepState st) {
    return st.moveTo(StepStatus.PENDING).withAttempts(0).withError(null).withTimes(null, null);
  }

  /** Takes the run's own lock (no two processes run one run), then its playbook's lock key. */
  private RunLock lock(String key, String runId, LockReport report)
      throws IOException, LockHeldException {
    RunLock own =
        store.lockRun(
            runId,
            new LockHolder(runId, ProcessHandle.current().pid(), host, settings.clock().instant()));
    if (key == null || key.equals(heldKey)) {
      return own;
    }
    RunLock shared;
    try {
      shared = take(key, runId, report);
    } catch (IOException | LockHeldException | RuntimeException e) {
      own.close();
      throw e;
    }
    return new RunLock() {
      @Override
      public Optional<LockHolder> tookOverFrom() {
        return shared.tookOverFrom();
      }

      @Override
      public void close() {
        shared.close();
        own.close();
      }
    };
  }

  private RunLock take(String key, String runId, LockReport report)
      throws IOException, LockHeldException {
    return lockKey(key, runId, report);
  }

  /**
   * Takes the playbook lock {@code key} for run {@code runId} of this process, reporting a holder
   * it took over from.
   */
  public RunLock lockKey(String key, String runId, LockReport report)
      throws IOException, LockHeldException {
    RunLock lock =
        store.lock(
            key,
            new LockHolder(runId, ProcessHandle.current().pid(), host, settings.clock().instant()));
    lock.tookOverFrom().ifPresent(dead -> report.tookOver(key, dead));
    return lock;
  }

  /** The SHA-256 of a playbook's text, as stored in its run. */
  public static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder("sha256:");
      for (byte b : d) {
        out.append(String.format("%02x", b));
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
