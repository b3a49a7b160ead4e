package io.eksscheduler.engine.run;

import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.spi.Effect;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effects a dry-run's steps predicted, in the order the run would make them, with the step that
 * predicted each: what a later step's plan reads through {@code ActionContext.predicted()}.
 *
 * <p>A run orders a step after the steps it needs, and nothing else: a step that reads the effect
 * of a step it does not need (directly or through its needs; a finally step needs every main step)
 * may run before that effect happens, so its predicted outputs cannot be exact.
 */
final class PredictedEffects {
  private record Produced(String step, Effect effect) {}

  /** An effect as a preview shows it: its line, with values read from env masked. */
  record Shown(String line) implements Effect {}

  private final Map<String, Step> steps = new HashMap<>();
  private final List<Step> mainSteps;
  private final List<Produced> produced = new ArrayList<>();

  PredictedEffects(Playbook playbook) {
    playbook.allSteps().forEach(s -> steps.put(s.id(), s));
    mainSteps = playbook.steps();
  }

  /** Every effect predicted so far, in the order the run would make them. */
  List<Effect> sofar() {
    return produced.stream().map(Produced::effect).toList();
  }

  /** Adds what {@code step}'s plan predicts, after everything predicted before. */
  void add(String step, List<Effect> effects) {
    effects.forEach(e -> produced.add(new Produced(step, e)));
  }

  /**
   * The steps, in the order they were previewed, whose effects {@code step} read (of {@code read})
   * although it does not need them.
   */
  List<String> readWithoutNeeding(Step step, Set<Effect> read) {
    Set<String> needed = needed(step);
    Set<String> out = new LinkedHashSet<>();
    for (Produced p : produced) {
      if (read.contains(p.effect()) && !needed.contains(p.step())) {
        out.add(p.step());
      }
    }
    return List.copyOf(out);
  }

  /** Why the outputs of a step that read the effects of {@code producers} may differ. */
  static String why(List<String> producers) {
    return producers.size() == 1
        ? "reads what step "
            + producers.get(0)
            + " would change; "
            + producers.get(0)
            + " is not in its needs, so a run may do it after this step"
        : "reads what steps "
            + String.join(", ", producers)
            + " would change; they are not in its needs, so a run may do it after this step";
  }

  /** The steps {@code step} waits for in a run: its needs, theirs, and so on. */
  private Set<String> needed(Step step) {
    Set<String> out = new LinkedHashSet<>();
    if (step.inFinally()) {
      mainSteps.forEach(s -> out.add(s.id()));
    }
    Deque<String> todo = new ArrayDeque<>(step.needs());
    while (!todo.isEmpty()) {
      String id = todo.pop();
      if (out.add(id) && steps.containsKey(id)) {
        todo.addAll(steps.get(id).needs());
      }
    }
    return out;
  }
}
