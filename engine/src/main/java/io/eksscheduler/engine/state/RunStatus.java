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

  /** The lower-case name used in output. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
