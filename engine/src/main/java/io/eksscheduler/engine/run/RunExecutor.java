package io.eksscheduler.engine.run;

import io.eksscheduler.engine.plan.StepGraph;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * Runs a playbook's steps as a DAG, then its finally steps, recording every transition.
 *
 * <p>Ready steps start in wave order (ties by declaration order), at most {@code concurrency} at
 * once. A failed step with {@code onFailure: abort} stops new starts; steps already running end on
 * their own and the steps never started are cancelled. An interrupt cancels the running steps and
 * leaves the run resumable, its finally still to run.
 */
public final class RunExecutor {

  /**
   * How the executor meets the world.
   *
   * @param clock the time source
   * @param sleeper how backoff waits
   * @param random the source of backoff jitter
   * @param cancelGrace how long a cancelled attempt may take to stop
   * @param env what {@code env.NAME} reads
   */
  public record Settings(
      Clock clock,
      Sleeper sleeper,
      RandomGenerator random,
      Duration cancelGrace,
      Map<String, String> env) {}

  private final ActionRegistry actions;
  private final SchemaCheck schemas;
  private final Clients clients;
  private final Settings settings;

  public RunExecutor(
      ActionRegistry actions, SchemaCheck schemas, Clients clients, Settings settings) {
    this.actions = actions;
    this.schemas = schemas;
    this.clients = clients;
    this.settings = settings;
  }

  /**
   * Runs what is left of the run in {@code recorder} until it ends or {@code interrupt} is set.
   *
   * @return the final state: succeeded, failed or interrupted
   */
  public RunState execute(Playbook playbook, RunRecorder recorder, AtomicBoolean interrupt) {
    RunState state = recorder.state();
    if (RunState.MAIN.equals(state.phase())) {
      PhaseResult main = runPhase(playbook.steps(), playbook.concurrency(), recorder, interrupt);
      if (main == PhaseResult.INTERRUPTED) {
        return interrupted(recorder);
      }
      String result = main == PhaseResult.SUCCEEDED ? "succeeded" : "failed";
      recorder.update(
          s -> s.withPhase(RunState.FINALLY, result),
          recorder.event("steps-finished", null, null, result, finallyNote(playbook)));
    }
    return runFinally(playbook, recorder, interrupt, null);
  }

  /**
   * Runs the finally steps of a run that ends as {@code forcedEnd} (abandoned) or, when null, as
   * its steps' result says.
   */
  public RunState runFinally(
      Playbook playbook, RunRecorder recorder, AtomicBoolean interrupt, RunStatus forcedEnd) {
    if (!RunState.FINALLY.equals(recorder.state().phase())) {
      recorder.update(
          s -> s.withPhase(RunState.FINALLY, forcedEnd == null ? null : forcedEnd.label()),
          recorder.event("steps-finished", null, null, null, finallyNote(playbook)));
    }
    PhaseResult fin =
        runPhase(playbook.finallySteps(), playbook.concurrency(), recorder, interrupt);
    if (fin == PhaseResult.INTERRUPTED) {
      return interrupted(recorder);
    }
    RunStatus end;
    if (forcedEnd != null) {
      end = forcedEnd;
    } else {
      boolean ok =
          "succeeded".equals(recorder.state().mainResult()) && fin == PhaseResult.SUCCEEDED;
      end = ok ? RunStatus.SUCCEEDED : RunStatus.FAILED;
    }
    return recorder.update(
        s -> s.withStatus(end), recorder.event("run-finished", null, null, end.label(), null));
  }

  private static String finallyNote(Playbook playbook) {
    int n = playbook.finallySteps().size();
    return n == 0 ? "no finally steps" : "running " + n + " finally step" + (n == 1 ? "" : "s");
  }

  private RunState interrupted(RunRecorder recorder) {
    return recorder.update(
        s -> s.withStatus(RunStatus.INTERRUPTED),
        recorder.event(
            "run-interrupted",
            null,
            null,
            "interrupted",
            "resume it with: eks-scheduler resume " + recorder.state().runId()));
  }

  private enum PhaseResult {
    SUCCEEDED,
    FAILED,
    INTERRUPTED
  }

  private PhaseResult runPhase(
      List<Step> steps, int concurrency, RunRecorder recorder, AtomicBoolean interrupt) {
    if (steps.isEmpty()) {
      return PhaseResult.SUCCEEDED;
    }
    List<Step> ordered = waveOrder(steps);
    Map<String, Step> byId = new LinkedHashMap<>();
    ordered.forEach(s -> byId.put(s.id(), s));
    ExecutorService workers = Executors.newFixedThreadPool(concurrency, daemon("step"));
    ExecutorService attemptThreads = Executors.newCachedThreadPool(daemon("attempt"));
    StepRunner runner =
        new StepRunner(settings, actions, schemas, clients, recorder, attemptThreads);
    Map<String, Future<?>> running = new HashMap<>();
    BlockingQueue<String> finished = new LinkedBlockingQueue<>();
    boolean aborting = false;
    try {
      while (true) {
        if (interrupt.get()) {
          running.values().forEach(f -> f.cancel(true));
          awaitAll(running, finished);
          return PhaseResult.INTERRUPTED;
        }
        RunState state = recorder.state();
        for (Step step : ordered) {
          if (aborting || running.size() >= concurrency) {
            break;
          }
          StepState st = state.step(step.id());
          if (st.status() != StepStatus.PENDING || running.containsKey(step.id())) {
            continue;
          }
          Readiness r = readiness(step, state, byId);
          if (r == Readiness.WAITING) {
            continue;
          }
          if (r == Readiness.BLOCKED) {
            recorder.updateStep(
                step.id(),
                s -> s.moveTo(StepStatus.CANCELLED).withError("a step it needs did not succeed"),
                recorder.event(
                    "step-cancelled",
                    step.id(),
                    null,
                    "cancelled",
                    "not started: a step it needs failed or was cancelled"));
            continue;
          }
          String id = step.id();
          running.put(
              id,
              workers.submit(
                  () -> {
                    try {
                      runner.run(step);
                    } finally {
                      finished.add(id);
                    }
                  }));
        }
        if (running.isEmpty()) {
          break;
        }
        String done = finished.poll(100, TimeUnit.MILLISECONDS);
        if (done != null) {
          Future<?> f = running.remove(done);
          rethrowBug(f);
          StepState st = recorder.state().step(done);
          if (st.status() == StepStatus.FAILED
              && byId.get(done).onFailure() == Step.OnFailure.ABORT) {
            aborting = true;
          }
        }
      }
      boolean failed = false;
      for (Step step : ordered) {
        StepState st = recorder.state().step(step.id());
        if (st.status() == StepStatus.PENDING) {
          recorder.updateStep(
              step.id(),
              s -> s.moveTo(StepStatus.CANCELLED).withError("not started: the run aborted"),
              recorder.event(
                  "step-cancelled", step.id(), null, "cancelled", "not started: the run aborted"));
          failed = true;
        } else if (st.status() == StepStatus.CANCELLED) {
          failed = true;
        } else if (st.status() == StepStatus.FAILED && step.onFailure() == Step.OnFailure.ABORT) {
          failed = true;
        }
      }
      return failed ? PhaseResult.FAILED : PhaseResult.SUCCEEDED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.values().forEach(f -> f.cancel(true));
      return PhaseResult.INTERRUPTED;
    } finally {
      workers.shutdownNow();
      attemptThreads.shutdownNow();
    }
  }

  private void awaitAll(Map<String, Future<?>> running, BlockingQueue<String> finished) {
    long until = System.nanoTime() + settings.cancelGrace().plusSeconds(5).toNanos();
    while (!running.isEmpty() && System.nanoTime() < until) {
      try {
        String done = finished.poll(100, TimeUnit.MILLISECONDS);
        if (done != null) {
          running.remove(done);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void rethrowBug(Future<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (java.util.concurrent.CancellationException e) {
      // cancelled by an interrupt; its state says so
    }
  }

  private enum Readiness {
    READY,
    WAITING,
    BLOCKED
  }

  private static Readiness readiness(Step step, RunState state, Map<String, Step> byId) {
    for (String needed : step.needs()) {
      StepState n = state.step(needed);
      if (!n.status().done()) {
        return Readiness.WAITING;
      }
      boolean fine =
          n.status() == StepStatus.SUCCEEDED
              || n.status() == StepStatus.SKIPPED
              || (n.status() == StepStatus.FAILED
                  && byId.get(needed).onFailure() == Step.OnFailure.CONTINUE);
      if (!fine) {
        return Readiness.BLOCKED;
      }
    }
    return Readiness.READY;
  }

  /** The steps in wave order, ties broken by declaration order. */
  public static List<Step> waveOrder(List<Step> steps) {
    List<String> ids = new ArrayList<>();
    Map<String, List<String>> needs = new HashMap<>();
    Map<String, Step> byId = new HashMap<>();
    for (Step s : steps) {
      ids.add(s.id());
      needs.put(s.id(), s.needs());
      byId.put(s.id(), s);
    }
    List<Step> ordered = new ArrayList<>();
    for (List<String> wave : new StepGraph(ids, needs).waves()) {
      wave.forEach(id -> ordered.add(byId.get(id)));
    }
    return ordered;
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
