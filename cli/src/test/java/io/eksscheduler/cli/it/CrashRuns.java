package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the crash tests of {@code stop} and {@code start} share: the named crash points of their
 * mutating steps, a run killed at each in turn and resumed, a run resumed to its end, and a run's
 * progress in one line.
 */
final class CrashRuns {
  /** Before and after a ledger write, and right after a mutating call. */
  private static final List<String> POINTS = List.of("ledger-before", "ledger-after", "changed");

  /** Resumes without a kill that a run may take to end, after its last kill. */
  private static final int FINISHING_RESUMES = 3;

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
