package io.eksscheduler.engine.state;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Keeps runs durably: their state, their event log and the playbook they started with. */
public interface RunStore {

  /** Creates the run with its playbook text and first state; fails if the id is taken. */
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

  /** Every run's id, sorted by id (ids made by the engine sort by start time). */
  List<String> runIds() throws IOException;

  /** The run's events, oldest first. */
  List<Event> events(String runId) throws IOException;

  /** Takes the playbook lock {@code key} for {@code holder}, or says who holds it. */
  RunLock lock(String key, LockHolder holder) throws IOException, LockHeldException;

  /** Takes run {@code runId}'s own lock (one process per run), or says who holds it. */
  RunLock lockRun(String runId, LockHolder holder) throws IOException, LockHeldException;
}
