package io.eksscheduler.cli.output;

/**
 * Something the command line tells about a run besides its events: a run it continues, abandons or
 * takes over, where its state is, a playbook that changed.
 *
 * @param code what kind of notice, for programs: {@code continuing-run}, {@code
 *     abandoned-stale-run}, {@code took-over-lease}, {@code directory-store-unfinished}, {@code
 *     playbook-changed}, {@code run-state}, {@code stopping}
 * @param run the run it is about, or null
 * @param message a line for a person
 */
public record Notice(String code, String run, String message) {
  public static final String CONTINUING_RUN = "continuing-run";
  public static final String ABANDONED_STALE_RUN = "abandoned-stale-run";
  public static final String TOOK_OVER_LEASE = "took-over-lease";
  public static final String DIRECTORY_STORE_UNFINISHED = "directory-store-unfinished";
  public static final String PLAYBOOK_CHANGED = "playbook-changed";
  public static final String RUN_STATE = "run-state";
  public static final String STOPPING = "stopping";
}
