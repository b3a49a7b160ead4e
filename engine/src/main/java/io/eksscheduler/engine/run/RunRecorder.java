package io.eksscheduler.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.StateLog;
import io.eksscheduler.engine.state.StepState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Applies every change to a run's state in one place: appends the event with what it changed
 * (durably), writes a new snapshot when one is due, then shows the event. All changes are
 * serialized, so steps running at once never lose each other's updates. Without a store (dry-run)
 * it keeps the state in memory only.
 */
public final class RunRecorder {
  private final Optional<RunStore> store;
  private final EventSink sink;
  private final Clock clock;
  private RunState state;

  public RunRecorder(Optional<RunStore> store, EventSink sink, Clock clock, RunState initial) {
    this.store = store;
    this.sink = sink;
    this.clock = clock;
    this.state = initial;
  }

  /** The current state. */
  public synchronized RunState state() {
    return state;
  }

  /** The sink progress goes to. */
  public EventSink sink() {
    return sink;
  }

  /** Applies {@code change} and records it with {@code event}, durably, before returning. */
  public synchronized RunState update(UnaryOperator<RunState> change, Event event) {
    RunState next = change.apply(state);
    Event recorded = append(event.withChange(StateLog.delta(state, next)), true);
    state = next.touched(recorded.time(), recorded.seq());
    boolean runLevel = event.step() == null;
    store.ifPresent(
        s -> {
          try {
            if (runLevel || s.snapshotDue(state.runId())) {
              s.save(state);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("saving the state of run " + state.runId(), e);
          }
        });
    sink.event(recorded);
    return state;
  }

  /** Changes one step and records {@code event}. */
  public RunState updateStep(String stepId, UnaryOperator<StepState> change, Event event) {
    return update(s -> s.withStep(stepId, change.apply(s.step(stepId))), event);
  }

  /** Records a line of a step's log. */
  public synchronized void log(String stepId, String message) {
    // A log line lost to a crash costs nothing: it is written without waiting for the disk.
    sink.event(append(event("step-log", stepId, null, null, message), false));
  }

  /**
   * Records a ledger entry durably (one appended, fsynced event) before returning; the next
   * snapshot of the state includes it.
   */
  public synchronized void ledger(String stepId, String key, JsonNode value) {
    Event e =
        new Event(
            0,
            clock.instant(),
            state.runId(),
            value == null ? "ledger-remove" : "ledger-put",
            stepId,
            null,
            null,
            null,
            key,
            value,
            null);
    Event recorded = append(e, true);
    StepState step = state.step(stepId);
    Map<String, JsonNode> ledger = new LinkedHashMap<>(step.ledger());
    if (value == null) {
      ledger.remove(key);
    } else {
      ledger.put(key, value);
    }
    state = state.withStep(stepId, step.withLedger(ledger));
    sink.event(recorded);
  }

  /** An event of this run, not yet numbered. */
  public Event event(String type, String step, Integer attempt, String status, String message) {
    return new Event(
        0, clock.instant(), state.runId(), type, step, attempt, status, message, null, null, null);
  }

  private Event append(Event event, boolean durable) {
    if (store.isEmpty()) {
      return event;
    }
    try {
      return store.get().append(event, durable);
    } catch (IOException e) {
      throw new UncheckedIOException("appending to the events of run " + state.runId(), e);
    }
  }
}
