package io.eksscheduler.actions.kube;

import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Matches labels against a Kubernetes label selector, as the API server does. */
public final class Selectors {
  private Selectors() {}

  /**
   * True when {@code labels} match {@code selector}. A null selector matches nothing; an empty one
   * matches everything (policy/v1 PodDisruptionBudget semantics).
   */
  public static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(actual.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (V1LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(V1LabelSelectorRequirement r, Map<String, String> labels) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String value = labels.get(r.getKey());
    switch (r.getOperator()) {
      case "In":
        return value != null && values.contains(value);
      case "NotIn":
        return value == null || !values.contains(value);
      case "Exists":
        return labels.containsKey(r.getKey());
      case "DoesNotExist":
        return !labels.containsKey(r.getKey());
      default:
        return false; // an operator the API server would have refused
    }
  }
}
