package io.eksscheduler.engine.spi;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Says what a step would change, read from live state as the earlier steps will leave it, and the
 * outputs it predicts.
 *
 * @param changes one line per change, in the order they would happen ("cordon node ip-10-0-1-5")
 * @param unchanged one line per thing the step looked at and would keep as it is ("node ip-10-0-1-5
 *     is already cordoned"), so a preview does not show a no-op as a change
 * @param predictedOutputs the outputs {@link Action#apply} would return, kept sorted by name
 * @param inexact for each predicted output that may differ from what the run returns, why (keys of
 *     {@code predictedOutputs} only), sorted by name
 * @param effects the lasting changes later steps of the same dry-run read, in the order they would
 *     happen
 */
public record Plan(
    List<String> changes,
    List<String> unchanged,
    Map<String, Object> predictedOutputs,
    Map<String, String> inexact,
    List<Effect> effects) {

  public Plan {
    changes = List.copyOf(changes);
    unchanged = List.copyOf(unchanged);
    // Sorted by name: the same plan prints the same way in every JVM (Map.of has no fixed order).
    predictedOutputs = Collections.unmodifiableMap(new TreeMap<>(predictedOutputs));
    inexact = Collections.unmodifiableMap(new TreeMap<>(inexact));
    effects = List.copyOf(effects);
    TreeSet<String> unknown = new TreeSet<>(inexact.keySet());
    unknown.removeAll(predictedOutputs.keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "outputs " + unknown + " are marked inexact but not predicted");
    }
  }

  /** A plan with these changes and predicted outputs, every one exact, and no effects. */
  public Plan(List<String> changes, Map<String, Object> predictedOutputs) {
    this(changes, List.of(), predictedOutputs, Map.of(), List.of());
  }

  /** A plan with these changes and no predicted outputs. */
  public static Plan of(List<String> changes) {
    return new Plan(changes, Map.of());
  }

  /** A plan that changes nothing. */
  public static Plan nothing() {
    return new Plan(List.of(), Map.of());
  }

  /** This plan saying that it would keep {@code lines} as they are. */
  public Plan withUnchanged(List<String> lines) {
    return new Plan(changes, lines, predictedOutputs, inexact, effects);
  }

  /** This plan saying, for each key of {@code why}, why that predicted output may differ. */
  public Plan withInexact(Map<String, String> why) {
    return new Plan(changes, unchanged, predictedOutputs, why, effects);
  }

  /** This plan with the lasting changes later steps of a dry-run read. */
  public Plan withEffects(List<? extends Effect> lasting) {
    return new Plan(changes, unchanged, predictedOutputs, inexact, List.copyOf(lasting));
  }
}
