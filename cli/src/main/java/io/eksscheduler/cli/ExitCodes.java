package io.eksscheduler.cli;

/** The exit codes of every command, as the playbook contract defines them. */
public final class ExitCodes {
  /** The run succeeded, or the command did what was asked. */
  public static final int OK = 0;

  /** A step failed; the state is saved and the run resumable. */
  public static final int STEP_FAILED = 1;

  /** The playbook or the command line is invalid. */
  public static final int INVALID = 2;

  /** Interrupted by SIGINT or SIGTERM; the state is saved and the run resumable. */
  public static final int INTERRUPTED = 3;

  /** The lock is held by another run. */
  public static final int LOCKED = 4;

  private ExitCodes() {}
}
