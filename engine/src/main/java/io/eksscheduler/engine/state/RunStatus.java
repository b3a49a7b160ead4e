package io.eksscheduler.engine.state;

/** Where a run stands. */
public enum RunStatus {
  /** Started and not ended: in progress, or killed (its process is gone). */
  RUNNING,
  /** Stopped by SIGINT or SIGTERM; resumable, its finally not run yet. */
  INTERRUPTED,
  SUCCEEDED,
  /** A step failed; resumable, its finally already ran. */
  FAILED,
  /** Closed for good by {@code runs abandon}. */
  ABANDONED;

  /** True when the run can be resumed. */
  public boolean resumable() {
    return this == RUNNING || this == INTERRUPTED || this == FAILED;
  }

  /** The status named {@code label}, as written in state and events. */
  @com.fasterxml.jackson.annotation.JsonCreator
  public static RunStatus of(String label) {
    return valueOf(label.toUpperCase(java.util.Locale.ROOT));
  }

  /** The lower-case name used in output. */
  @com.fasterxml.jackson.annotation.JsonValue
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
