package io.eksscheduler.engine.state;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Keeps runs durably: their state, their event log and the playbook they started with. */
public interface RunStore {

  /** Creates the run with its playbook text and first state; fails if the id is taken. */
  void create(RunState state, String playbookText) throws IOException;

  /** Replaces the run's state atomically and durably. */
  void save(RunState state) throws IOException;

  /** Appends an event durably; returns it with its sequence number. */
  Event append(Event event) throws IOException;

  /**
   * The run's state with every ledger change appended since it was last saved folded in, or empty
   * when there is no such run.
   */
  Optional<RunState> load(String runId) throws IOException;

  /** The playbook text the run started with. */
  String playbookText(String runId) throws IOException;

  /** Every run's id, oldest first. */
  List<String> runIds() throws IOException;

  /** The run's events, oldest first. */
  List<Event> events(String runId) throws IOException;

  /** Takes the lock {@code key} for {@code holder}, or says who holds it. */
  RunLock lock(String key, LockHolder holder) throws IOException, LockHeldException;
}
