package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The line reconcile prints for a cluster: what it should be and why, what it is, and what is done
 * about it; as text, or as one JSON object.
 */
final class ReconcileReport {
  private ReconcileReport() {}

  /**
   * The line for {@code cluster} at {@code at}.
   *
   * @param dryRun whether the run is only previewed (it says "would stop it")
   */
  static String render(
      String cluster,
      Instant at,
      boolean dryRun,
      RunOptions.OutputFormat output,
      Reconciliation.Desired desired,
      Reconciliation.Actual actual,
      Reconciliation.Action action) {
    String next = desired.next().map(n -> n.at() + " " + word(n.awake())).orElse(null);
    String doing =
        switch (action) {
          case NONE -> "nothing to do";
          case STOP -> dryRun ? "would stop it" : "stopping it";
          case START -> dryRun ? "would start it" : "starting it";
          case NOT_OPTED_IN ->
              "not opted in: it lacks the tag eks-scheduler.io/hibernate=enabled and its fleet"
                  + " entry does not say force: true, so it is never stopped";
        };
    if (output == RunOptions.OutputFormat.json) {
      ObjectNode o = App.json().createObjectNode();
      o.put("cluster", cluster)
          .put("at", at.toString())
          .put("desired", word(desired.awake()))
          .put("because", desired.because())
          .put("actual", actual.word())
          .put("action", action.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      actual.unfinished().ifPresent(r -> o.put("unfinishedRun", r.runId()));
      if (next == null) {
        o.putNull("next");
      } else {
        o.putObject("next")
            .put("at", desired.next().get().at().toString())
            .put("desired", word(desired.next().get().awake()));
      }
      return o.toString();
    }
    return "cluster "
        + cluster
        + " at "
        + at
        + ": should be "
        + word(desired.awake())
        + " ("
        + desired.because()
        + (next == null ? "" : "; next change " + next)
        + "), is "
        + actual.describe()
        + ": "
        + doing;
  }

  /** {@code awake} or {@code asleep}. */
  static String word(boolean awake) {
    return awake ? "awake" : "asleep";
  }
}
