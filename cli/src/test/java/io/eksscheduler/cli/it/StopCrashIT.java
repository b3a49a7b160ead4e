package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that a stop killed with SIGKILL anywhere, then resumed, ends exactly as an uninterrupted
 * stop: node groups at zero, no Node, every workload in scope asleep, and the same originals as
 * were there before the stop, in the ledger and on the objects and groups. Kills come at the named
 * crash points of each mutating step (before and after a ledger write, right after a mutating
 * call), chained through the resumes of one run, and at random moments (the seed is printed; set it
 * with {@code -Deks.test.seed=N}). Each run starts from a fresh dev scenario, and the next test
 * class finds one too.
 */
@ExtendWith(SandboxExtension.class)
class StopCrashIT {
  private static final Path WORK = Path.of("target", "stop-crash-it");
  private static final List<String> STEPS =
      List.of("pause-gitops", "pause-autoscalers", "sleep-workloads", "drain", "scale-to-zero");

  /** Runs of named points at most: two steps run in parallel, so one may finish in the other's. */
  private static final int CHAINS = 3;

  private static final int RANDOM_KILLS = 10;
  private static final int RANDOM_RUNS = 2;

  /**
   * Kill moments, after the JVM starts: from before the command line has done anything to well into
   * a step (a stop takes 25 s to 2 min, a process some seconds to start and survey again). When a
   * process was killed before it got anywhere (no step finished, nothing recorded: a loaded machine
   * starts JVMs slowly), the next moment is drawn from a window half as long again, up to {@link
   * #KILL_WINDOW_MAX_MILLIS}; once it gets somewhere, the window is the first one again.
   */
  private static final long KILL_FROM_MILLIS = 500;

  private static final long KILL_UNTIL_MILLIS = 12_000;
  private static final long KILL_WINDOW_MAX_MILLIS = 60_000;

  /**
   * Kills in one run at most, after which it is resumed without; bounds a run that makes no
   * headway.
   */
  private static final int KILLS_PER_RUN = 20;

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void aStopKilledAtEachNamedCrashPointResumesToTheSameEnd(TestSandbox sandbox) throws Exception {
    List<String> remaining = new ArrayList<>(CrashRuns.namedPoints(STEPS));
    for (int chain = 1; chain <= CHAINS && !remaining.isEmpty(); chain++) {
      long start = System.nanoTime();
      sandbox.reset();
      StopRuns runs = new StopRuns(sandbox, WORK.resolve("named-" + chain));
      ClusterSnapshot before = ClusterSnapshot.capture(sandbox);
      String runId = "crash-named-" + chain;

      Set<String> reached =
          CrashRuns.killAtEach("stop-crash", runs, runId, remaining, runs.stop("--run-id", runId));
      CrashRuns.finish(runs, runId);

      StoppedCluster.assertHibernated(sandbox, before, runs.state(runId).orElseThrow());
      remaining.removeAll(reached);
      System.err.printf(
          "[stop-crash] run %s: reached %s in %d s; not yet reached: %s%n",
          runId, reached, (System.nanoTime() - start) / 1_000_000_000, remaining);
    }
    assertEquals(List.of(), remaining, "crash points never reached in " + CHAINS + " stops");
  }

  @Test
  void aStopKilledAtRandomMomentsResumesToTheSameEnd(TestSandbox sandbox) throws Exception {
    long seed = Long.getLong("eks.test.seed", System.nanoTime());
    System.err.println(
        "[stop-crash] random kills with seed " + seed + " (-Deks.test.seed=" + seed + ")");
    Random random = new Random(seed);
    int kills = 0;
    for (int round = 1; kills < RANDOM_KILLS; round++) {
      assertTrue(
          round <= RANDOM_RUNS,
          "only " + kills + " kills in " + RANDOM_RUNS + " stops (seed " + seed + ")");
      long start = System.nanoTime();
      sandbox.reset();
      StopRuns runs = new StopRuns(sandbox, WORK.resolve("random-" + round));
      ClusterSnapshot before = ClusterSnapshot.capture(sandbox);
      String runId = "crash-random-" + round;

      int killed = killAtRandom(runs, runId, random, seed);
      CrashRuns.finish(runs, runId);

      StoppedCluster.assertHibernated(sandbox, before, runs.state(runId).orElseThrow());
      kills += killed;
      System.err.printf(
          "[stop-crash] run %s: %d kills, resumed to the end in %d s (seed %d)%n",
          runId, killed, (System.nanoTime() - start) / 1_000_000_000, seed);
    }
  }

  /**
   * Starts the stop, then resumes it, killing each process at a random moment after its JVM
   * started, until a process outlives its moment and ends the run (or {@link #KILLS_PER_RUN} kills
   * were made). Returns the kills made.
   */
  private static int killAtRandom(StopRuns runs, String runId, Random random, long seed)
      throws Exception {
    int kills = 0;
    long until = KILL_UNTIL_MILLIS;
    while (kills < KILLS_PER_RUN) {
      Optional<RunState> state = runs.state(runId);
      if (state.isPresent() && state.get().status() == RunStatus.SUCCEEDED) {
        break;
      }
      String[] args = state.isPresent() ? runs.resume(runId) : runs.stop("--run-id", runId);
      long moment = KILL_FROM_MILLIS + (long) (random.nextDouble() * (until - KILL_FROM_MILLIS));
      StopRuns.Launch launch = runs.start("kill-at-" + moment + "ms", null, args);
      if (launch.process().waitFor(moment, TimeUnit.MILLISECONDS)) {
        StopRuns.Finished f = runs.await(launch);
        assertEquals(0, f.code(), "seed " + seed + ": " + f);
        continue;
      }
      launch.process().destroyForcibly();
      StopRuns.Finished f = runs.await(launch);
      assertEquals(StopRuns.KILLED, f.code(), "seed " + seed + ": " + f);
      kills++;
      Optional<RunState> now = runs.state(runId);
      System.err.printf(
          "[stop-crash] kill %d at %d ms (window %d ms): %s%n",
          kills, moment, until, CrashRuns.progress(now));
      until =
          headway(state).equals(headway(now))
              ? Math.min(KILL_WINDOW_MAX_MILLIS, until * 3 / 2)
              : KILL_UNTIL_MILLIS;
    }
    return kills;
  }

  /** How far a run got: its steps that succeeded and the entries in their ledgers. */
  private static String headway(Optional<RunState> state) {
    if (state.isEmpty()) {
      return "none";
    }
    List<String> out = new ArrayList<>();
    state
        .get()
        .steps()
        .forEach(
            (id, s) ->
                out.add(
                    id
                        + (s.status() == StepStatus.SUCCEEDED ? " succeeded" : "")
                        + " "
                        + s.ledger().size()));
    return String.join(", ", out);
  }
}
