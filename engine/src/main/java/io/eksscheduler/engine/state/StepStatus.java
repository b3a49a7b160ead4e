package io.eksscheduler.engine.state;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a step stands in its run; the allowed moves between statuses are in one table. */
public enum StepStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  SKIPPED,
  CANCELLED;

  private static final Map<StepStatus, Set<StepStatus>> NEXT =
      Map.of(
          PENDING, EnumSet.of(RUNNING, SKIPPED, CANCELLED),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, PENDING),
          SUCCEEDED, EnumSet.of(PENDING),
          FAILED, EnumSet.of(PENDING),
          SKIPPED, EnumSet.of(PENDING),
          CANCELLED, EnumSet.of(PENDING));

  /**
   * True when a step may move from this status to {@code next}. Moves back to PENDING happen only
   * on resume: an interrupted, failed or cancelled step runs again, and the finally steps of a run
   * that ended run again in its next round.
   */
  public boolean canMoveTo(StepStatus next) {
    return NEXT.get(this).contains(next);
  }

  /** True when the step will not run again in this round. */
  public boolean done() {
    return this == SUCCEEDED || this == FAILED || this == SKIPPED || this == CANCELLED;
  }

  /** The status named {@code label}, as written in state and events. */
  @com.fasterxml.jackson.annotation.JsonCreator
  public static StepStatus of(String label) {
    return valueOf(label.toUpperCase(java.util.Locale.ROOT));
  }

  /** The lower-case name used in output and expressions. */
  @com.fasterxml.jackson.annotation.JsonValue
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
