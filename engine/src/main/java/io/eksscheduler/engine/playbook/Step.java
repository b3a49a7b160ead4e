package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One step of a playbook, with the playbook's defaults already applied.
 *
 * @param id unique across steps and finally
 * @param name the display name (the id when none is given)
 * @param action the registered action it runs
 * @param with the action's parameters as written (expressions not yet evaluated)
 * @param needs the steps that must finish first
 * @param when {@code true}, {@code false} or an expression, as written
 * @param timeout bounds one attempt
 * @param deadline bounds all attempts together, if set
 * @param retry how failed attempts are retried
 * @param onFailure what a failure of this step does to the run
 * @param inFinally true for a step of {@code finally}
 * @param pointer the JSON pointer of the step in its document, for positions
 */
public record Step(
    String id,
    String name,
    String action,
    JsonNode with,
    List<String> needs,
    JsonNode when,
    Duration timeout,
    Optional<Duration> deadline,
    RetryPolicy retry,
    OnFailure onFailure,
    boolean inFinally,
    String pointer) {

  /** The timeout of a step that sets none, in its own and in the playbook's defaults. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  public Step {
    needs = List.copyOf(needs);
  }

  /** What a failed step does to its run. */
  public enum OnFailure {
    /** Start nothing new; the run fails once running steps end. */
    ABORT,
    /** Record the failure and go on; the run may still succeed. */
    CONTINUE
  }
}
