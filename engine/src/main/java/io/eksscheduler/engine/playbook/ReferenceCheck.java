package io.eksscheduler.engine.playbook;

import io.eksscheduler.engine.expr.Reference;
import io.eksscheduler.engine.plan.StepGraph;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Says whether each reference of an expression ({@code params.}, {@code steps.}, {@code run.id},
 * {@code env.}) can be read where it stands, and the static type of what it reads.
 */
final class ReferenceCheck {
  /** Where an expression stands: in a step, or in the playbook's lock key. */
  enum Scope {
    STEP,
    LOCK
  }

  private final Playbook playbook;
  private final ActionRegistry actions;
  private final Map<String, Step> steps;
  private final StepGraph mainGraph;
  private final StepGraph finallyGraph;

  /**
   * @param steps every step by id (the first one of a duplicate id)
   * @param mainGraph the graph of the main steps
   * @param finallyGraph the graph of the finally steps
   */
  ReferenceCheck(
      Playbook playbook,
      ActionRegistry actions,
      Map<String, Step> steps,
      StepGraph mainGraph,
      StepGraph finallyGraph) {
    this.playbook = playbook;
    this.actions = actions;
    this.steps = steps;
    this.mainGraph = mainGraph;
    this.finallyGraph = finallyGraph;
  }

  /** Why {@code ref} cannot be read here, or null when it can. */
  String problem(Reference ref, Scope scope, Step reader) {
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

  /** The static type of what {@code ref} reads; ANY when it cannot be known. */
  ValueType typeOf(Reference ref) {
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
