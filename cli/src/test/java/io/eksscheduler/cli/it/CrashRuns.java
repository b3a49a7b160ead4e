package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the crash tests of {@code stop} and {@code start} share: the named crash points of their
 * mutating steps, a run killed at each in turn and resumed, a run killed at random moments of its
 * work and resumed, a run resumed to its end, and a run's progress in one line.
 */
final class CrashRuns {
  /** Before and after a ledger write, and right after a mutating call. */
  private static final List<String> POINTS = List.of("ledger-before", "ledger-after", "changed");

  /** Resumes without a kill that a run may take to end, after its last kill. */
  private static final int FINISHING_RESUMES = 3;

  /** How long after a process's first mutating step started a random kill comes, at most. */
  private static final long KILL_WINDOW_MILLIS = 4_000;

  private static final long MAX_KILL_WINDOW_MILLIS = 32_000;

  /**
   * The Leases of the crash tests on the cluster store: a resume after a kill waits this long for
   * the killed runner's run Lease to lapse (its lock key's is then taken at once).
   */
  static final java.time.Duration LEASE = java.time.Duration.ofSeconds(3);

  private CrashRuns() {}

  /** Every named crash point of {@code steps}, step by step, as {@code point:step}. */
  static List<String> namedPoints(List<String> steps) {
    List<String> out = new ArrayList<>();
    for (String step : steps) {
      for (String point : POINTS) {
        out.add(point + ":" + step);
      }
    }
    return out;
  }

  /**
   * Starts the run with {@code first} and the first point armed, and after each SIGKILL resumes it
   * with the next one; a point whose step already succeeded is passed over, and a process that does
   * not reach its point runs to the end. Returns the points reached.
   */
  static Set<String> killAtEach(
      String tag, StopRuns runs, String runId, List<String> points, String[] first)
      throws Exception {
    Set<String> reached = new LinkedHashSet<>();
    for (String point : points) {
      Optional<RunState> state = runs.state(runId);
      if (state.isPresent() && state.get().status() == RunStatus.SUCCEEDED) {
        break;
      }
      String step = point.substring(point.indexOf(':') + 1);
      if (state.isPresent() && state.get().step(step).status() == StepStatus.SUCCEEDED) {
        System.err.println("[" + tag + "] " + point + ": step already succeeded in this run");
        continue;
      }
      String[] args = state.isPresent() ? runs.resume(runId) : first;
      StopRuns.Finished f = runs.run(point, point, args);
      if (f.code() == StopRuns.KILLED) {
        assertTrue(f.output().contains("crash point reached: " + point), f.toString());
        reached.add(point);
      } else {
        assertEquals(0, f.code(), f.toString());
      }
    }
    return reached;
  }

  /**
   * Starts the run with {@code first}, then resumes it, killing each process at a random moment
   * after its first mutating step (one of {@code steps}) started, so that kills fall in the run's
   * work, not in the start of the JVM or the read-only preflight, whose lengths vary with the
   * machine's load; until the run ends or {@code wanted} kills were made, so that they fall all
   * along it. The moment is drawn within a window that doubles after a process killed in its second
   * half before it logged any work of a mutating step, so that the reads a step starts with cannot
   * stall the run, and is back to its first size after one that did (a process killed early says
   * nothing of how long the reads take, and a window doubled for it would let the next process run
   * to the end). A process that ended its run before its moment is not a kill. Returns the kills
   * made.
   */
  static int killAtRandom(
      String tag,
      StopRuns runs,
      String runId,
      String[] first,
      List<String> steps,
      Random random,
      int wanted,
      long seed)
      throws Exception {
    Pattern workLogged =
        Pattern.compile("] step (" + String.join("|", steps) + "): (?!started \\()");
    int kills = 0;
    long window = KILL_WINDOW_MILLIS;
    while (kills < wanted) {
      Optional<RunState> state = runs.state(runId);
      if (state.isPresent() && state.get().status() == RunStatus.SUCCEEDED) {
        break;
      }
      long moment = (long) (random.nextDouble() * window);
      String[] args = state.isPresent() ? runs.resume(runId) : first;
      StopRuns.Launch launch = runs.start("kill-at-" + moment + "ms", null, args);
      Optional<String> step = mutating(launch, steps);
      if (step.isEmpty() || launch.process().waitFor(moment, TimeUnit.MILLISECONDS)) {
        StopRuns.Finished f = runs.await(launch);
        assertEquals(0, f.code(), "seed " + seed + ": " + f);
        continue;
      }
      launch.process().destroyForcibly();
      StopRuns.Finished f = runs.await(launch);
      Optional<RunState> after = runs.state(runId);
      if (after.isPresent() && after.get().status() == RunStatus.SUCCEEDED) {
        System.err.println("[" + tag + "] the run ended before its kill: " + f.label());
        break;
      }
      assertEquals(StopRuns.KILLED, f.code(), "seed " + seed + ": " + f);
      kills++;
      System.err.printf(
          "[%s] kill %d, %d ms after %s started: %s%n",
          tag, kills, moment, step.get(), progress(after));
      if (workLogged.matcher(f.output()).find()) {
        window = KILL_WINDOW_MILLIS;
      } else if (moment >= window / 2) {
        window = Math.min(2 * window, MAX_KILL_WINDOW_MILLIS);
      }
    }
    return kills;
  }

  /**
   * Waits until the process says one of {@code steps} started, and returns it; empty when the
   * process ended before that.
   */
  private static Optional<String> mutating(StopRuns.Launch launch, List<String> steps)
      throws Exception {
    while (launch.elapsed().compareTo(StopRuns.DEADLINE) < 0) {
      String log = Files.readString(launch.log());
      for (String step : steps) {
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

  /** Resumes the run until it succeeds, with no crash point armed. */
  static void finish(StopRuns runs, String runId) throws Exception {
    for (int n = 1; n <= FINISHING_RESUMES; n++) {
      RunState state = runs.state(runId).orElseThrow();
      if (state.status() == RunStatus.SUCCEEDED) {
        return;
      }
      StopRuns.Finished f = runs.run("finish", null, runs.resume(runId));
      assertEquals(0, f.code(), f.toString());
    }
    assertEquals(RunStatus.SUCCEEDED, runs.state(runId).orElseThrow().status(), runId);
  }

  /** Each step's status, in one line, or that the run was not created yet. */
  static String progress(Optional<RunState> state) {
    if (state.isEmpty()) {
      return "run not created yet";
    }
    List<String> out = new ArrayList<>();
    state.get().steps().forEach((id, s) -> out.add(id + "=" + s.status().name().toLowerCase()));
    return String.join(" ", out);
  }
}
