package io.eksscheduler.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.expr.EvaluationException;
import io.eksscheduler.engine.expr.ExpressionSyntaxException;
import io.eksscheduler.engine.expr.Reference;
import io.eksscheduler.engine.expr.Resolver;
import io.eksscheduler.engine.expr.Template;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Evaluates the expressions of a step against a run: params, steps, run.id and env. */
public final class Rendering {
  private static final ObjectMapper JSON = Json.mapper();

  private final RunState run;
  private final Map<String, String> env;
  private final boolean predicted;

  /**
   * @param run the run whose params and step outputs expressions read
   * @param env the environment {@code env.NAME} reads
   * @param predicted true in dry-run, where outputs are the ones plans predicted
   */
  public Rendering(RunState run, Map<String, String> env, boolean predicted) {
    this.run = run;
    this.env = env;
    this.predicted = predicted;
  }

  /** The rendered value, and whether it read the environment (then it is never stored). */
  public record Rendered(JsonNode value, boolean readsEnv) {}

  /** Renders every expression inside {@code node}, keeping the type of whole expressions. */
  public Rendered render(JsonNode node) throws EvaluationException {
    boolean[] readsEnv = {false};
    JsonNode value = render(node, readsEnv);
    return new Rendered(value, readsEnv[0]);
  }

  private JsonNode render(JsonNode node, boolean[] readsEnv) throws EvaluationException {
    if (node.isTextual() && Template.containsExpression(node.asText())) {
      Template t = parse(node.asText());
      for (Reference r : t.references()) {
        if (r.path().get(0).equals("env")) {
          readsEnv[0] = true;
        }
      }
      return JSON.valueToTree(t.render(resolver()));
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      for (JsonNode item : node) {
        out.add(render(item, readsEnv));
      }
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.set(e.getKey(), render(e.getValue(), readsEnv));
      }
      return out;
    }
    return node;
  }

  /**
   * The values of every {@code env.NAME} that templates inside {@code nodes} reference, evaluated
   * or not: what must be masked in anything the step writes.
   */
  public Set<String> envValuesReferenced(JsonNode... nodes) {
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode node : nodes) {
      collectEnv(node, values);
    }
    return values;
  }

  private void collectEnv(JsonNode node, Set<String> values) {
    if (node.isTextual() && Template.containsExpression(node.asText())) {
      try {
        for (Reference r : Template.parse(node.asText()).references()) {
          if (r.path().get(0).equals("env") && r.path().size() == 2) {
            values.add(env.getOrDefault(r.path().get(1), ""));
          }
        }
      } catch (ExpressionSyntaxException e) {
        // checked at load; nothing to collect from a template that does not parse
      }
    }
    node.elements().forEachRemaining(child -> collectEnv(child, values));
  }

  /** Evaluates a step's {@code when}: a boolean, or an expression giving one. */
  public Rendered when(JsonNode when) throws EvaluationException {
    if (when.isBoolean()) {
      return new Rendered(when, false);
    }
    Rendered r = render(when);
    if (!r.value().isBoolean()) {
      throw new EvaluationException("when gave " + r.value() + ", not true or false");
    }
    return r;
  }

  /** Renders a string template as text, e.g. the lock key. */
  public String text(String template) throws EvaluationException {
    if (!Template.containsExpression(template)) {
      return template;
    }
    Object value = parse(template).render(resolver());
    return value == null ? "" : value.toString();
  }

  private static Template parse(String text) throws EvaluationException {
    try {
      return Template.parse(text);
    } catch (ExpressionSyntaxException e) {
      // The loader checked every expression; this only happens to a playbook changed on disk.
      throw new EvaluationException("expression: " + e.getMessage(), e);
    }
  }

  private Resolver resolver() {
    return ref -> {
      List<String> p = ref.path();
      switch (p.get(0)) {
        case "params":
          if (!run.params().containsKey(p.get(1))) {
            throw new EvaluationException("param '" + p.get(1) + "' has no value");
          }
          return run.params().get(p.get(1));
        case "run":
          return run.runId();
        case "env":
          return env.getOrDefault(p.get(1), "");
        case "steps":
          return step(ref, p);
        default:
          throw new EvaluationException("unknown reference '" + ref.text() + "'");
      }
    };
  }

  private Object step(Reference ref, List<String> p) throws EvaluationException {
    StepState s = run.steps().get(p.get(1));
    if (s == null) {
      throw new EvaluationException("unknown step '" + p.get(1) + "'");
    }
    if (p.get(2).equals("status")) {
      return predicted && s.status() == StepStatus.PENDING ? "succeeded" : s.status().label();
    }
    String key = p.get(3);
    if (!s.outputs().containsKey(key)) {
      throw new EvaluationException(
          "'"
              + ref.text()
              + "' has no value: step "
              + p.get(1)
              + " is "
              + s.status().label()
              + (predicted ? " and its plan predicts no such output" : ""));
    }
    return s.outputs().get(key);
  }
}
