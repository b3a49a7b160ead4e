package io.eksscheduler.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.state.Json;
import java.util.List;

/** Checks a step's rendered {@code with} against its action's schema and binds it. */
final class Binding {
  private static final ObjectMapper JSON = Json.mapper();

  private Binding() {}

  /** Why the rendered value cannot be used, or binds it to the action's params type. */
  static <P> P bind(Action<P> action, JsonNode rendered, SchemaCheck schemas) throws StepFailure {
    List<String> problems = schemas.check(action.withSchema(), rendered);
    if (!problems.isEmpty()) {
      throw new StepFailure(
          "with, once evaluated, does not fit action "
              + action.name()
              + ": "
              + String.join("; ", problems),
          false);
    }
    try {
      return JSON.treeToValue(rendered, action.paramsType());
    } catch (JsonProcessingException e) {
      throw new StepFailure(
          "with does not fit action " + action.name() + ": " + e.getOriginalMessage(), false);
    }
  }

  /** A failure to prepare a step, with whether retrying could help. */
  static final class StepFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean retryable;

    StepFailure(String message, boolean retryable) {
      super(message);
      this.retryable = retryable;
    }
  }
}
