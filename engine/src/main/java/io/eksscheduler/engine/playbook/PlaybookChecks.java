package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.expr.ExpressionProblem;
import io.eksscheduler.engine.expr.ExpressionSyntaxException;
import io.eksscheduler.engine.expr.Reference;
import io.eksscheduler.engine.expr.Template;
import io.eksscheduler.engine.plan.StepGraph;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks what a schema cannot: unique ids, registered actions and their {@code with}, needs that
 * exist and form no cycle, and every expression's syntax, references and types.
 */
final class PlaybookChecks {
  private final String file;
  private final YamlTree tree;
  private final ActionRegistry actions;
  private final SchemaCheck schemas;
  private final Playbook playbook;
  private final List<Problem> problems;
  private final Map<String, Step> steps = new LinkedHashMap<>();
  private final Map<String, ValueType> wholeExpressionTypes = new HashMap<>();
  private StepGraph mainGraph;
  private StepGraph finallyGraph;

  PlaybookChecks(
      String file,
      YamlTree tree,
      ActionRegistry actions,
      SchemaCheck schemas,
      Playbook playbook,
      List<Problem> problems) {
    this.file = file;
    this.tree = tree;
    this.actions = actions;
    this.schemas = schemas;
    this.playbook = playbook;
    this.problems = problems;
  }

  void run() {
    uniqueIds();
    for (Step step : playbook.allSteps()) {
      action(step);
      needs(step);
    }
    mainGraph = graph(playbook.steps());
    finallyGraph = graph(playbook.finallySteps());
    for (Step step : playbook.allSteps()) {
      expressions(step);
      typedExpressions(step);
    }
    playbook.lock().ifPresent(lock -> template(lock, "/lock", Scope.LOCK, null));
  }

  private void uniqueIds() {
    for (Step step : playbook.allSteps()) {
      Step first = steps.putIfAbsent(step.id(), step);
      if (first != null) {
        problems.add(
            Problem.at(
                file,
                tree.valueAt(step.pointer() + "/id"),
                "duplicate step id '"
                    + step.id()
                    + "' (first at line "
                    + tree.valueAt(first.pointer() + "/id").line()
                    + ")"));
      }
    }
  }

  private void action(Step step) {
    Optional<Action<?>> action = actions.find(step.action());
    Position at = tree.valueAt(step.pointer() + "/action");
    if (action.isEmpty()) {
      String hint =
          actions
              .suggest(step.action())
              .map(s -> " (did you mean '" + s + "'?)")
              .orElse(" (eks-scheduler actions list shows them all)");
      problems.add(Problem.at(file, at, "unknown action '" + step.action() + "'" + hint));
      return;
    }
    if (!step.with().isObject()) {
      return; // the playbook schema reported it
    }
    String withPointer = step.pointer() + "/with";
    List<Problem> found =
        schemas.check(action.get().withSchema(), step.with(), file, tree, withPointer);
    for (Problem p : found) {
      // A missing `with` reports its missing keys at the action's name.
      problems.add(tree.values().containsKey(withPointer) ? p : Problem.at(file, at, p.message()));
    }
  }

  private void needs(Step step) {
    for (int i = 0; i < step.needs().size(); i++) {
      String needed = step.needs().get(i);
      Position at = tree.valueAt(step.pointer() + "/needs/" + i);
      Step target = steps.get(needed);
      if (target == null) {
        String hint =
            Suggestions.closest(needed, steps.keySet())
                .map(s -> " (did you mean '" + s + "'?)")
                .orElse("");
        problems.add(Problem.at(file, at, "needs unknown step '" + needed + "'" + hint));
      } else if (target.inFinally() != step.inFinally()) {
        problems.add(
            Problem.at(
                file,
                at,
                step.inFinally()
                    ? "a finally step runs after every step; it may need only finally steps, not '"
                        + needed
                        + "'"
                    : "a step cannot need the finally step '" + needed + "'"));
      }
    }
  }

  private StepGraph graph(List<Step> list) {
    List<String> ids = new ArrayList<>();
    Map<String, List<String>> needs = new HashMap<>();
    for (Step s : list) {
      ids.add(s.id());
      needs.put(s.id(), s.needs());
    }
    StepGraph graph = new StepGraph(ids, needs);
    graph
        .cycle()
        .ifPresent(
            cycle -> {
              Step first = steps.get(cycle.get(0));
              problems.add(
                  Problem.at(
                      file,
                      tree.keyAt(first.pointer() + "/needs"),
                      "cycle: " + String.join(" -> ", cycle)));
            });
    return graph;
  }

  private enum Scope {
    STEP,
    LOCK
  }

  private void expressions(Step step) {
    walk(step.with(), step.pointer() + "/with", step);
    JsonNode when = step.when();
    if (when.isTextual()) {
      ValueType type = template(when.asText(), step.pointer() + "/when", Scope.STEP, step);
      if (type != ValueType.BOOLEAN && type != ValueType.ANY && type != null) {
        problems.add(
            Problem.at(
                file,
                tree.valueAt(step.pointer() + "/when"),
                "when must be a boolean expression, this one gives " + type.label()));
      }
    }
  }

  /**
   * Checks each whole expression's static type against what the action's schema takes there, by
   * validating a copy of {@code with} in which each such expression is replaced by a sample value
   * of its type: `duration: ${{ params.replicas }}` is an error at load, not at run time.
   */
  private void typedExpressions(Step step) {
    Optional<Action<?>> action = actions.find(step.action());
    String base = step.pointer() + "/with";
    if (action.isEmpty() || !step.with().isObject()) {
      return;
    }
    Map<String, ValueType> typed = new HashMap<>();
    JsonNode sample = substitute(step.with(), base, typed);
    if (typed.isEmpty()) {
      return;
    }
    for (String message :
        schemas.typeErrors(action.get().withSchema(), sample, base, typed.keySet())) {
      int split = message.indexOf('\t');
      String pointer = message.substring(0, split);
      problems.add(
          Problem.at(
              file,
              tree.valueAt(pointer),
              "the expression gives "
                  + ValueType.article(typed.get(pointer))
                  + ", but "
                  + message.substring(split + 1)));
    }
  }

  private JsonNode substitute(JsonNode node, String pointer, Map<String, ValueType> typed) {
    ValueType type = wholeExpressionTypes.get(pointer);
    if (node.isTextual() && type != null && type != ValueType.ANY && type != ValueType.STRING) {
      typed.put(pointer, type);
      com.fasterxml.jackson.databind.node.JsonNodeFactory f =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
      switch (type) {
        case INTEGER:
          return f.numberNode(1L);
        case NUMBER:
          return f.numberNode(1.5);
        case BOOLEAN:
          return f.booleanNode(true);
        case ARRAY:
          return f.arrayNode();
        default:
          return f.objectNode();
      }
    }
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode copy =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      node.fields()
          .forEachRemaining(
              e ->
                  copy.set(
                      e.getKey(),
                      substitute(
                          e.getValue(), pointer + "/" + YamlTree.segment(e.getKey()), typed)));
      return copy;
    }
    if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode copy =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        copy.add(substitute(node.get(i), pointer + "/" + i, typed));
      }
      return copy;
    }
    return node;
  }

  private void walk(JsonNode node, String pointer, Step step) {
    if (node.isTextual()) {
      template(node.asText(), pointer, Scope.STEP, step);
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, step);
      }
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> walk(e.getValue(), pointer + "/" + YamlTree.segment(e.getKey()), step));
    }
  }

  /** Checks one template; returns its static type, or null when it has a problem. */
  private ValueType template(String text, String pointer, Scope scope, Step step) {
    if (!Template.containsExpression(text)) {
      return ValueType.STRING;
    }
    Template template;
    try {
      template = Template.parse(text);
    } catch (ExpressionSyntaxException e) {
      problems.add(
          Problem.at(file, tree.charAt(pointer, e.offset()), "expression: " + e.getMessage()));
      return null;
    }
    boolean known = true;
    for (Reference ref : template.references()) {
      String problem = reference(ref, scope, step);
      if (problem != null) {
        problems.add(Problem.at(file, tree.charAt(pointer, ref.offset()), problem));
        known = false;
      }
    }
    if (!known) {
      return null;
    }
    List<ExpressionProblem> typeProblems = new ArrayList<>();
    ValueType type = template.check(this::typeOf, typeProblems);
    for (ExpressionProblem p : typeProblems) {
      problems.add(Problem.at(file, tree.charAt(pointer, p.offset()), p.message()));
    }
    if (typeProblems.isEmpty() && template.isWholeExpression()) {
      wholeExpressionTypes.put(pointer, type);
    }
    return typeProblems.isEmpty() ? type : null;
  }

  /** Why {@code ref} cannot be read here, or null when it can. */
  private String reference(Reference ref, Scope scope, Step reader) {
    List<String> path = ref.path();
    String root = path.get(0);
    switch (root) {
      case "params":
        if (path.size() != 2) {
          return "'" + ref.text() + "': write params.NAME";
        }
        if (!playbook.params().containsKey(path.get(1))) {
          String hint =
              Suggestions.closest(path.get(1), playbook.params().keySet())
                  .map(s -> " (did you mean 'params." + s + "'?)")
                  .orElse(playbook.params().isEmpty() ? " (the playbook declares no params)" : "");
          return "unknown param '" + path.get(1) + "'" + hint;
        }
        return null;
      case "run":
        return path.size() == 2 && path.get(1).equals("id")
            ? null
            : "unknown reference '" + ref.text() + "' (run has only run.id)";
      case "env":
        if (scope == Scope.LOCK) {
          return "the lock key is stored with the run and names a lock file; it cannot read '"
              + ref.text()
              + "' (values from env are never stored)";
        }
        return path.size() == 2 ? null : "'" + ref.text() + "': write env.NAME";
      case "steps":
        if (scope == Scope.LOCK) {
          return "the lock is taken before any step runs; it cannot read '" + ref.text() + "'";
        }
        return stepReference(ref, reader);
      default:
        return "unknown reference '" + ref.text() + "' (use params., steps., run.id or env.)";
    }
  }

  private String stepReference(Reference ref, Step reader) {
    List<String> path = ref.path();
    if (path.size() < 3) {
      return "'" + ref.text() + "': write steps.ID.outputs.KEY or steps.ID.status";
    }
    String id = path.get(1);
    Step target = steps.get(id);
    if (target == null) {
      String hint =
          Suggestions.closest(id, steps.keySet())
              .map(s -> " (did you mean '" + s + "'?)")
              .orElse("");
      return "unknown step '" + id + "' in '" + ref.text() + "'" + hint;
    }
    boolean status = path.size() == 3 && path.get(2).equals("status");
    boolean output = path.size() == 4 && path.get(2).equals("outputs");
    if (!status && !output) {
      return "'" + ref.text() + "': write steps." + id + ".outputs.KEY or steps." + id + ".status";
    }
    if (!reachable(reader, target)) {
      return "step '"
          + reader.id()
          + "' reads '"
          + ref.text()
          + "' but does not need '"
          + id
          + "' (add it to needs, directly or through another step)";
    }
    if (output) {
      Optional<Action<?>> action = actions.find(target.action());
      if (action.isPresent()
          && action.get().outputs().stream().noneMatch(o -> o.name().equals(path.get(3)))) {
        List<String> names = new ArrayList<>();
        action.get().outputs().forEach(o -> names.add(o.name()));
        return "action '"
            + target.action()
            + "' has no output '"
            + path.get(3)
            + "'"
            + (names.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", names) + ")");
      }
    }
    return null;
  }

  /** A finally step may read every main step; otherwise the reader must need the target. */
  private boolean reachable(Step reader, Step target) {
    if (reader.inFinally() && !target.inFinally()) {
      return true;
    }
    if (reader.inFinally() != target.inFinally()) {
      return false;
    }
    StepGraph graph = reader.inFinally() ? finallyGraph : mainGraph;
    Set<String> needed = graph.transitiveNeeds(reader.id());
    return needed.contains(target.id());
  }

  private ValueType typeOf(Reference ref) {
    List<String> path = ref.path();
    switch (path.get(0)) {
      case "params":
        ParamSpec spec = playbook.params().get(path.get(1));
        return spec == null ? ValueType.ANY : spec.type();
      case "steps":
        if (path.get(2).equals("status")) {
          return ValueType.STRING;
        }
        Step target = steps.get(path.get(1));
        if (target == null) {
          return ValueType.ANY;
        }
        return actions
            .find(target.action())
            .flatMap(
                a -> a.outputs().stream().filter(o -> o.name().equals(path.get(3))).findFirst())
            .map(OutputSpec::type)
            .orElse(ValueType.ANY);
      default:
        return ValueType.STRING;
    }
  }
}
