package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that a stop killed with SIGKILL anywhere, then resumed, ends exactly as an uninterrupted
 * stop: node groups at zero, no Node, every workload in scope asleep, and the same originals as
 * were there before the stop, in the ledger and on the objects and groups. Kills come at the named
 * crash points of each mutating step (before and after a ledger write, right after a mutating
 * call), chained through the resumes of one run; and at random moments all along the mutating steps
 * of a stop, until it ends, at least ten kills over up to three stops (the seed is printed; set it
 * with {@code -Deks.test.seed=N}). Each run starts from a fresh dev scenario, and the next test
 * class finds one too.
 *
 * <p>The named points run on the cluster store (runs and Leases in the sandbox's cluster, each
 * resume taking over the killed runner's Lease after it lapses); the random kills on the directory
 * store.
 */
@ExtendWith(SandboxExtension.class)
class StopCrashIT {
  private static final Path WORK = Path.of("target", "stop-crash-it");
  private static final List<String> STEPS =
      List.of("pause-gitops", "pause-autoscalers", "sleep-workloads", "drain", "scale-to-zero");

  /** Runs of named points at most: two steps run in parallel, so one may finish in the other's. */
  private static final int CHAINS = 3;

  private static final int RANDOM_KILLS = 10;

  /**
   * Runs for the random kills at most: a run ends once a process outlives its moment, after six to
   * twelve kills on this sandbox.
   */
  private static final int RANDOM_RUNS = 3;

  /** Kills in one stop at most, however slowly it moves on: then it is resumed to its end. */
  private static final int KILLS_PER_RUN = 12;

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
      // The named points on the cluster store (the random kills below use the directory store).
      StopRuns runs =
          StopRuns.clusterStore(sandbox, WORK.resolve("named-" + chain), CrashRuns.LEASE);
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

      int killed =
          CrashRuns.killAtRandom(
              "stop-crash",
              runs,
              runId,
              runs.stop("--run-id", runId),
              STEPS,
              random,
              KILLS_PER_RUN,
              seed);
      CrashRuns.finish(runs, runId);

      StoppedCluster.assertHibernated(sandbox, before, runs.state(runId).orElseThrow());
      kills += killed;
      System.err.printf(
          "[stop-crash] run %s: %d kills, resumed to the end in %d s (seed %d)%n",
          runId, killed, (System.nanoTime() - start) / 1_000_000_000, seed);
    }
  }
}
