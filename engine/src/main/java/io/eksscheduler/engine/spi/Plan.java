package io.eksscheduler.engine.spi;

import java.util.List;
import java.util.Map;

/**
 * Says what a step would change, read from live state, and the outputs it predicts.
 *
 * @param changes one line per change, in the order they would happen ("cordon node ip-10-0-1-5")
 * @param predictedOutputs the outputs {@link Action#apply} would most likely return, kept sorted by
 *     name
 */
public record Plan(List<String> changes, Map<String, Object> predictedOutputs) {

  public Plan {
    changes = List.copyOf(changes);
    // Sorted by name: the same plan prints the same way in every JVM (Map.of has no fixed order).
    predictedOutputs =
        java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(predictedOutputs));
  }

  /** A plan with these changes and no predicted outputs. */
  public static Plan of(List<String> changes) {
    return new Plan(changes, Map.of());
  }

  /** A plan that changes nothing. */
  public static Plan nothing() {
    return new Plan(List.of(), Map.of());
  }
}
