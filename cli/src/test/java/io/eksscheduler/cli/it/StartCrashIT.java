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
 * Proves that a start killed with SIGKILL anywhere, then resumed, brings the cluster back exactly
 * as an uninterrupted start does: as it was before the stop, with no marker of the tool left. The
 * wake meets the self-blocking webhook each time, so its relaxing and restoring are killed too.
 * Kills come at the named crash points of each mutating step (before and after a ledger write,
 * right after a mutating call), chained through the resumes of one run; and at random moments all
 * along the mutating steps of a start, until it ends, at least ten kills over up to three starts
 * (the seed is printed; set it with {@code -Deks.test.seed=N}). Each test starts from a fresh dev
 * scenario, and the next test class finds one too.
 *
 * <p>The named points run on the cluster store (runs and Leases in the sandbox's cluster, each
 * resume taking over the killed runner's Lease after it lapses); the random kills on the directory
 * store.
 */
@ExtendWith(SandboxExtension.class)
class StartCrashIT {
  private static final Path WORK = Path.of("target", "start-crash-it");
  private static final List<String> STEPS =
      List.of(
          "restore-nodegroups",
          "webhooks",
          "wake-workloads",
          "resume-gitops",
          "resume-autoscalers");

  /** Stop and start cycles of named points at most: two steps run in parallel. */
  private static final int CHAINS = 3;

  private static final int RANDOM_KILLS = 10;

  /**
   * Runs for the random kills at most: a run ends once a process outlives its moment, after six to
   * twelve kills on this sandbox.
   */
  private static final int RANDOM_CYCLES = 3;

  /** Kills in one start at most, however slowly it moves on: then it is resumed to its end. */
  private static final int KILLS_PER_START = 12;

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void aStartKilledAtEachNamedCrashPointResumesToTheClusterAsBefore(TestSandbox sandbox)
      throws Exception {
    List<String> remaining = new ArrayList<>(CrashRuns.namedPoints(STEPS));
    sandbox.reset();
    List<String> problems = new ArrayList<>();
    for (int chain = 1; chain <= CHAINS && !remaining.isEmpty(); chain++) {
      long start = System.nanoTime();
      // The named points on the cluster store (the random kills below use the directory store).
      WakeRuns runs =
          new WakeRuns(
              StopRuns.clusterStore(sandbox, WORK.resolve("named-" + chain), CrashRuns.LEASE));
      WakeCycle cycle = WakeCycle.stop(sandbox, runs, "stop-named-" + chain);
      String runId = "start-named-" + chain;

      Set<String> reached =
          CrashRuns.killAtEach(
              "start-crash", runs.runs(), runId, remaining, runs.start("--run-id", runId));
      CrashRuns.finish(runs.runs(), runId);

      differences(cycle, runs, runId).forEach(d -> problems.add(runId + ": " + d));
      remaining.removeAll(reached);
      System.err.printf(
          "[start-crash] run %s: reached %s in %d s; not yet reached: %s%n",
          runId, reached, (System.nanoTime() - start) / 1_000_000_000, remaining);
    }
    assertEquals(List.of(), problems, "what the killed and resumed starts left");
    assertEquals(List.of(), remaining, "crash points never reached in " + CHAINS + " starts");
  }

  @Test
  void aStartKilledAtRandomMomentsResumesToTheClusterAsBefore(TestSandbox sandbox)
      throws Exception {
    long seed = Long.getLong("eks.test.seed", System.nanoTime());
    System.err.println(
        "[start-crash] random kills with seed " + seed + " (-Deks.test.seed=" + seed + ")");
    Random random = new Random(seed);
    sandbox.reset();
    List<String> problems = new ArrayList<>();
    int kills = 0;
    for (int round = 1; kills < RANDOM_KILLS; round++) {
      assertTrue(
          round <= RANDOM_CYCLES,
          "only " + kills + " kills in " + RANDOM_CYCLES + " starts (seed " + seed + ")");
      long start = System.nanoTime();
      WakeRuns runs = new WakeRuns(sandbox, WORK.resolve("random-" + round));
      WakeCycle cycle = WakeCycle.stop(sandbox, runs, "stop-random-" + round);
      String runId = "start-random-" + round;

      int killed =
          CrashRuns.killAtRandom(
              "start-crash",
              runs.runs(),
              runId,
              runs.start("--run-id", runId),
              STEPS,
              random,
              KILLS_PER_START,
              seed);
      CrashRuns.finish(runs.runs(), runId);

      differences(cycle, runs, runId).forEach(d -> problems.add(runId + ": " + d));
      kills += killed;
      System.err.printf(
          "[start-crash] run %s: %d kills, resumed to the end in %d s (seed %d)%n",
          runId, killed, (System.nanoTime() - start) / 1_000_000_000, seed);
    }
    assertEquals(
        List.of(), problems, "what the killed and resumed starts left (seed " + seed + ")");
  }

  /** What differs from before the stop once the woken cluster settled, and a status not awake. */
  private static List<String> differences(WakeCycle cycle, WakeRuns runs, String runId)
      throws Exception {
    List<String> out = new ArrayList<>(cycle.differencesAfterWake());
    StopRuns.Finished status = runs.run("status", null, runs.status());
    if (status.code() != 0 || !status.output().contains("cluster dev: awake")) {
      out.add("status after " + runId + ": " + status);
    }
    return out;
  }
}
