package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that a start killed with SIGKILL anywhere, then resumed, brings the cluster back exactly
 * as an uninterrupted start does: as it was before the stop, with no marker of the tool left. The
 * wake meets the self-blocking webhook each time, so its relaxing and restoring are killed too.
 * Kills come at the named crash points of each mutating step (before and after a ledger write,
 * right after a mutating call), chained through the resumes of one run; and at random moments all
 * along the mutating steps of a start, until it ends, at least ten kills over one or two starts
 * (the seed is printed; set it with {@code -Deks.test.seed=N}). Each test starts from a fresh dev
 * scenario, and the next test class finds one too.
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
  private static final int RANDOM_CYCLES = 2;

  /** Kills in one start at most, however slowly it moves on: then it is resumed to its end. */
  private static final int KILLS_PER_START = 12;

  /** How long after a process's first mutating step started a random kill comes, at most. */
  private static final long KILL_WINDOW_MILLIS = 4_000;

  private static final long MAX_KILL_WINDOW_MILLIS = 32_000;

  /** A line a mutating step logs about its work (anything but its start). */
  private static final Pattern WORK_LOGGED =
      Pattern.compile("] step (" + String.join("|", STEPS) + "): (?!started \\()");

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
      WakeRuns runs = new WakeRuns(sandbox, WORK.resolve("named-" + chain));
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

      int killed = killAtRandom(runs, runId, random, KILLS_PER_START, seed);
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

  /**
   * Starts the wake, then resumes it, killing each process at a random moment after its first
   * mutating step started (so that kills fall in the wake's work, not in the start of the JVM or
   * the read-only preflight, whose lengths vary with the machine's load), until the run ends or
   * {@code wanted} kills were made, so that they fall all along the wake. The moment is drawn
   * within a window that doubles after a process killed before it logged any work of a mutating
   * step, so that the reads a step starts with cannot stall the run, and is back to its first size
   * after one that did. A process that ended its run before its moment is not a kill. Returns the
   * kills made.
   */
  private static int killAtRandom(WakeRuns runs, String runId, Random random, int wanted, long seed)
      throws Exception {
    int kills = 0;
    long window = KILL_WINDOW_MILLIS;
    while (kills < wanted) {
      Optional<RunState> state = runs.state(runId);
      if (state.isPresent() && state.get().status() == RunStatus.SUCCEEDED) {
        break;
      }
      long moment = (long) (random.nextDouble() * window);
      String[] args = state.isPresent() ? runs.resume(runId) : runs.start("--run-id", runId);
      StopRuns.Launch launch = runs.launch("kill-at-" + moment + "ms", null, args);
      Optional<String> step = mutating(launch);
      if (step.isEmpty() || launch.process().waitFor(moment, TimeUnit.MILLISECONDS)) {
        StopRuns.Finished f = runs.await(launch);
        assertEquals(0, f.code(), "seed " + seed + ": " + f);
        continue;
      }
      launch.process().destroyForcibly();
      StopRuns.Finished f = runs.await(launch);
      Optional<RunState> after = runs.state(runId);
      if (after.isPresent() && after.get().status() == RunStatus.SUCCEEDED) {
        System.err.println("[start-crash] the run ended before its kill: " + f.label());
        break;
      }
      assertEquals(StopRuns.KILLED, f.code(), "seed " + seed + ": " + f);
      kills++;
      System.err.printf(
          "[start-crash] kill %d, %d ms after %s started: %s%n",
          kills, moment, step.get(), CrashRuns.progress(after));
      window =
          WORK_LOGGED.matcher(f.output()).find()
              ? KILL_WINDOW_MILLIS
              : Math.min(2 * window, MAX_KILL_WINDOW_MILLIS);
    }
    return kills;
  }

  /**
   * Waits until the process says one of the mutating steps started, and returns it; empty when the
   * process ended before that.
   */
  private static Optional<String> mutating(StopRuns.Launch launch) throws Exception {
    while (launch.elapsed().compareTo(StopRuns.DEADLINE) < 0) {
      String log = Files.readString(launch.log());
      for (String step : STEPS) {
        if (log.contains("] step " + step + ": started")) {
          return Optional.of(step);
        }
      }
      if (launch.process().waitFor(50, TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
    }
    return Optional.empty();
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
