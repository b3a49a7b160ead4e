package io.eksscheduler.cli;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.util.Map;

/**
 * What the fleet's webhook is told of a run reconcile launched: a change when the run succeeded, a
 * failure once per failed run (a failed run continued and failing again was told already), nothing
 * for a run that did not end.
 */
final class RunNotice {
  /** What to do about the run's end. */
  sealed interface Notice permits Nothing, ToldBefore, Tell {}

  /** The run did not end (it was interrupted, or is waiting): nothing to tell. */
  record Nothing() implements Notice {}

  /** Run {@code runId} failed again, and its failure was told before. */
  record ToldBefore(String runId) implements Notice {}

  /** Send {@code message}; {@code text} is its line for people. */
  record Tell(Notifier.Message message, String text) implements Notice {}

  private RunNotice() {}

  /**
   * What to tell of run {@code end} of {@code cluster}, a stop when {@code stopping}, else a start,
   * the cluster having been {@code before} it.
   */
  static Notice decide(
      String cluster, RunState end, Reconciliation.Actual before, boolean stopping) {
    boolean failed = end.status() == RunStatus.FAILED;
    if (!failed && end.status() != RunStatus.SUCCEEDED) {
      return new Nothing();
    }
    boolean toldAlready =
        failed
            && before.unfinished().isPresent()
            && before.unfinished().get().runId().equals(end.runId())
            && before.unfinished().get().status() == RunStatus.FAILED;
    if (toldAlready) {
      return new ToldBefore(end.runId());
    }
    String to = ReconcileReport.word(!stopping);
    String error = failed ? firstError(end) : null;
    String text =
        failed
            ? "EKS cluster "
                + cluster
                + ": "
                + (stopping ? "stop" : "start")
                + " failed (run "
                + end.runId()
                + "): "
                + error
            : "EKS cluster "
                + cluster
                + " is "
                + to
                + " (was "
                + before.word()
                + "; run "
                + end.runId()
                + ")";
    return new Tell(
        new Notifier.Message(
            cluster, before.word(), to, end.runId(), failed ? "failed" : "succeeded", error, text),
        text);
  }

  /** The first failed step and its error, for the failure's message. */
  static String firstError(RunState end) {
    for (Map.Entry<String, StepState> s : end.steps().entrySet()) {
      if (s.getValue().status() == StepStatus.FAILED && s.getValue().error() != null) {
        return "step " + s.getKey() + ": " + s.getValue().error();
      }
    }
    return "the run failed";
  }
}
