package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.expr.ExpressionProblem;
import io.eksscheduler.engine.expr.ExpressionSyntaxException;
import io.eksscheduler.engine.expr.Reference;
import io.eksscheduler.engine.expr.Template;
import io.eksscheduler.engine.plan.StepGraph;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
  private final TypedExpressionCheck typedExpressions;
  private ReferenceCheck references;

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
    this.typedExpressions =
        new TypedExpressionCheck(file, tree, actions, schemas, wholeExpressionTypes, problems);
  }

  void run() {
    uniqueIds();
    for (Step step : playbook.allSteps()) {
      action(step);
      needs(step);
    }
    references =
        new ReferenceCheck(
            playbook, actions, steps, graph(playbook.steps()), graph(playbook.finallySteps()));
    for (Step step : playbook.allSteps()) {
      expressions(step);
      typedExpressions.check(step);
    }
    playbook.lock().ifPresent(lock -> template(lock, "/lock", ReferenceCheck.Scope.LOCK, null));
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

  private void expressions(Step step) {
    walk(step.with(), step.pointer() + "/with", step);
    JsonNode when = step.when();
    if (when.isTextual()) {
      ValueType type =
          template(when.asText(), step.pointer() + "/when", ReferenceCheck.Scope.STEP, step);
      if (type != ValueType.BOOLEAN && type != ValueType.ANY && type != null) {
        problems.add(
            Problem.at(
                file,
                tree.valueAt(step.pointer() + "/when"),
                "when must be a boolean expression, this one gives " + type.label()));
      }
    }
  }

  private void walk(JsonNode node, String pointer, Step step) {
    if (node.isTextual()) {
      template(node.asText(), pointer, ReferenceCheck.Scope.STEP, step);
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
  private ValueType template(String text, String pointer, ReferenceCheck.Scope scope, Step step) {
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
      String problem = references.problem(ref, scope, step);
      if (problem != null) {
        problems.add(Problem.at(file, tree.charAt(pointer, ref.offset()), problem));
        known = false;
      }
    }
    if (!known) {
      return null;
    }
    List<ExpressionProblem> typeProblems = new ArrayList<>();
    ValueType type = template.check(references::typeOf, typeProblems);
    for (ExpressionProblem p : typeProblems) {
      problems.add(Problem.at(file, tree.charAt(pointer, p.offset()), p.message()));
    }
    if (typeProblems.isEmpty() && template.isWholeExpression()) {
      wholeExpressionTypes.put(pointer, type);
    }
    return typeProblems.isEmpty() ? type : null;
  }
}
