package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.sandbox.junit.TestSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One hibernation for a wake to undo: the cluster, settled, read whole (with every {@code
 * eks-scheduler.io/} marker there is), then stopped with the stock playbook until no Node is left,
 * and its kyverno-like webhook put in the deadlock a wake meets when nodes went away under it;
 * then, once a wake has run, every difference between the cluster and what it was before the stop.
 */
final class WakeCycle {
  static final Duration SETTLE = Duration.ofMinutes(3);

  private final TestSandbox sandbox;
  private final WakeSnapshot before;
  private final Set<String> markers;
  private final StopRuns.Finished stop;

  private WakeCycle(
      TestSandbox sandbox, WakeSnapshot before, Set<String> markers, StopRuns.Finished stop) {
    this.sandbox = sandbox;
    this.before = before;
    this.markers = markers;
    this.stop = stop;
  }

  /** Reads the settled cluster, stops it as run {@code runId} and enters the webhook deadlock. */
  static WakeCycle stop(TestSandbox sandbox, WakeRuns runs, String runId) throws Exception {
    KubeJson kube = new KubeJson(sandbox.adminClient());
    WakeChecks.awaitAwake(sandbox, SETTLE);
    WakeSnapshot before = WakeSnapshot.capture(sandbox);
    Set<String> markers = WakeMarkers.everywhere(sandbox);
    StopRuns.Finished stop = runs.run("stop", null, runs.stop("--run-id", runId));
    assertEquals(0, stop.code(), stop.toString());
    WakeChecks.awaitNoNode(kube, SETTLE);
    String refusal = WakeDeadlock.enter(kube);
    System.err.println("[wake-cycle] stopped by " + runId + "; deadlock entered: " + refusal);
    return new WakeCycle(sandbox, before, markers, stop);
  }

  StopRuns.Finished stopRun() {
    return stop;
  }

  /**
   * Waits until the woken cluster settles (every pod Ready), then returns every difference from
   * before the stop: objects, node groups and Auto Scaling groups, and markers the stop or the wake
   * left (any original at all, and any other marker that was not there before the stop).
   */
  List<String> differencesAfterWake() {
    long start = System.nanoTime();
    WakeChecks.awaitAwake(sandbox, SETTLE);
    System.err.printf(
        "[wake-cycle] every pod Ready %d ms after the wake ended%n",
        Duration.ofNanos(System.nanoTime() - start).toMillis());
    return differencesFrom(sandbox, before, markers);
  }

  /**
   * Every difference between the settled cluster and {@code before}, and every marker left that is
   * not among {@code markers} (and any original at all).
   */
  static List<String> differencesFrom(
      TestSandbox sandbox, WakeSnapshot before, Set<String> markers) {
    List<String> out = new ArrayList<>(WakeSnapshot.capture(sandbox).differencesFrom(before));
    Set<String> now = WakeMarkers.everywhere(sandbox);
    Set<String> left = new TreeSet<>(now);
    left.removeAll(markers);
    left.addAll(WakeMarkers.originals(now));
    left.forEach(m -> out.add("marker left: " + m));
    return out;
  }
}
