package io.eksscheduler.engine.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run knows of one step: its status, attempts, what it rendered, outputs and ledger.
 *
 * @param status where the step stands
 * @param attempts attempts made in this round
 * @param startedAt when the current round's first attempt started, or null
 * @param finishedAt when the step reached a final status, or null
 * @param when the evaluated {@code when}, once evaluated (stored so resume never re-evaluates)
 * @param with the rendered {@code with}, once rendered; null when it reads {@code env} (never
 *     stored: it may hold secrets) or was not rendered yet
 * @param outputs the outputs of a succeeded step
 * @param error why the step failed or was cancelled
 * @param ledger what the action recorded to undo or continue its work
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepState(
    StepStatus status,
    int attempts,
    Instant startedAt,
    Instant finishedAt,
    Boolean when,
    JsonNode with,
    Map<String, Object> outputs,
    String error,
    Map<String, JsonNode> ledger) {

  public StepState {
    outputs =
        outputs == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    ledger =
        ledger == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ledger));
  }

  /** A step that has not started. */
  public static StepState pending() {
    return new StepState(StepStatus.PENDING, 0, null, null, null, null, Map.of(), null, Map.of());
  }

  /**
   * This step in {@code next}.
   *
   * @throws IllegalStateException when the move is not allowed
   */
  public StepState moveTo(StepStatus next) {
    if (next != status && !status.canMoveTo(next)) {
      throw new IllegalStateException("a step cannot move from " + status + " to " + next);
    }
    return new StepState(next, attempts, startedAt, finishedAt, when, with, outputs, error, ledger);
  }

  public StepState withAttempts(int n) {
    return new StepState(status, n, startedAt, finishedAt, when, with, outputs, error, ledger);
  }

  public StepState withTimes(Instant started, Instant finished) {
    return new StepState(status, attempts, started, finished, when, with, outputs, error, ledger);
  }

  public StepState withRendered(Boolean whenValue, JsonNode rendered) {
    return new StepState(
        status, attempts, startedAt, finishedAt, whenValue, rendered, outputs, error, ledger);
  }

  public StepState withOutputs(Map<String, Object> values) {
    return new StepState(
        status, attempts, startedAt, finishedAt, when, with, values, error, ledger);
  }

  public StepState withError(String message) {
    return new StepState(
        status, attempts, startedAt, finishedAt, when, with, outputs, message, ledger);
  }

  public StepState withLedger(Map<String, JsonNode> entries) {
    return new StepState(
        status, attempts, startedAt, finishedAt, when, with, outputs, error, entries);
  }
}
