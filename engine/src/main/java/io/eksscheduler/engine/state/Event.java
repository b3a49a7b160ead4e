package io.eksscheduler.engine.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One thing that happened in a run, as appended to {@code events.jsonl} and printed by {@code
 * --output json}.
 *
 * @param seq 1, 2, 3... within the run, never reused
 * @param time when it happened
 * @param run the run id
 * @param type what happened, e.g. {@code step-started}, {@code ledger-put}, {@code run-finished}
 * @param step the step concerned, or null
 * @param attempt the attempt concerned, or null
 * @param status the status reached, or null
 * @param message a line for a person, or null
 * @param key a ledger key, or null
 * @param value a ledger value or other detail, or null
 * @param change what the event changed in the run's state (the run's header and the steps that
 *     changed), so the state can be rebuilt from the log; null for events that change nothing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
    long seq,
    Instant time,
    String run,
    String type,
    String step,
    Integer attempt,
    String status,
    String message,
    String key,
    JsonNode value,
    JsonNode change) {

  /** The same event with another sequence number. */
  public Event numbered(long n) {
    return new Event(n, time, run, type, step, attempt, status, message, key, value, change);
  }

  /** The same event carrying {@code delta}. */
  public Event withChange(JsonNode delta) {
    return new Event(seq, time, run, type, step, attempt, status, message, key, value, delta);
  }
}
