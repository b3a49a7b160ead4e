package io.eksscheduler.engine.state;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Keeps runs durably: their state, their event log and the playbook they started with; and the
 * locks that keep two processes from running one run, or two runs of one lock key, at once.
 * Implementations: {@link DirectoryRunStore} (files and OS locks on one machine); the command line
 * adds a store in a Kubernetes namespace (objects and Leases, shared by every machine).
 */
public interface RunStore extends AutoCloseable {

  /**
   * Creates the run with its playbook text and first state.
   *
   * @throws RunExistsException if the id is taken
   */
  void create(RunState state, String playbookText) throws IOException;

  /** Replaces the run's state snapshot atomically and durably. */
  void save(RunState state) throws IOException;

  /**
   * Appends an event, durably (fsynced before returning) unless {@code durable} is false; returns
   * it with its sequence number.
   */
  Event append(Event event, boolean durable) throws IOException;

  /** Appends an event durably. */
  default Event append(Event event) throws IOException {
    return append(event, true);
  }

  /** True when the log since the last snapshot has grown enough to write a new one. */
  boolean snapshotDue(String runId);

  /**
   * The run's state: its snapshot with every event appended since folded in, or empty when there is
   * no such run.
   */
  Optional<RunState> load(String runId) throws IOException;

  /** The playbook text the run started with (or was last resumed with, --allow-changed). */
  String playbookText(String runId) throws IOException;

  /** Replaces the run's copy of its playbook, atomically and durably. */
  void replacePlaybook(String runId, String playbookText) throws IOException;

  /** Where the runs are kept, for messages: a directory, a namespace of a cluster. */
  String describe();

  /** Where run {@code runId} is kept, for messages. */
  default String where(String runId) {
    return "run " + runId + " in " + describe();
  }

  /**
   * Every run's summary, oldest first (by start time, then id); runs that cannot be read are left
   * out and named in {@code problems}.
   */
  List<RunSummary> summaries(List<String> problems) throws IOException;

  /**
   * Who holds run {@code runId}'s own lock now, judged by the lock itself (an OS lock held by a
   * live process, a Lease renewed in time), not by a process id; empty when nobody does.
   */
  Optional<LockHolder> liveHolder(String runId) throws IOException;

  /**
   * Breaks the playbook lock {@code key} by hand, whoever holds it; returns the holder it broke,
   * empty when the lock was free.
   *
   * @throws UnsupportedOperationException when the store's locks cannot be broken (OS locks end
   *     with their process)
   */
  Optional<LockHolder> breakLock(String key) throws IOException;

  /** Every run's id, sorted by id (ids made by the engine sort by start time). */
  List<String> runIds() throws IOException;

  /** The run's events, oldest first. */
  List<Event> events(String runId) throws IOException;

  /** Takes the playbook lock {@code key} for {@code holder}, or says who holds it. */
  RunLock lock(String key, LockHolder holder) throws IOException, LockHeldException;

  /** Takes run {@code runId}'s own lock (one process per run), or says who holds it. */
  RunLock lockRun(String runId, LockHolder holder) throws IOException, LockHeldException;

  /** Releases what the store holds open (files, threads); its locks are closed by their owners. */
  @Override
  void close() throws IOException;
}
