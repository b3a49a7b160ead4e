package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes label selectors ({@code matchLabels} and {@code matchExpressions}) evaluated against
 * labels, some of whose values are unknown in advance (a run's hash): a requirement on such a label
 * is taken as met when it could be, so that "may match" counts as a match.
 */
final class LabelSelectors {
  private LabelSelectors() {}

  /**
   * True when {@code selector} (missing or empty: everything) may select an object labelled {@code
   * labels}; {@code anyValue} names the labels whose value could be anything.
   */
  static boolean mayMatch(JsonNode selector, Map<String, String> labels, Set<String> anyValue) {
    if (selector == null || selector.isMissingNode() || selector.isNull()) {
      return true;
    }
    var fields = selector.path("matchLabels").fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!labels.containsKey(e.getKey())) {
        return false;
      }
      if (!anyValue.contains(e.getKey()) && !labels.get(e.getKey()).equals(e.getValue().asText())) {
        return false;
      }
    }
    for (JsonNode req : selector.path("matchExpressions")) {
      String key = req.path("key").asText();
      Set<String> values = new HashSet<>();
      req.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.containsKey(key);
      boolean unknown = anyValue.contains(key);
      boolean met =
          switch (req.path("operator").asText()) {
            case "In" -> has && (unknown || values.contains(labels.get(key)));
            case "NotIn" -> !has || unknown || !values.contains(labels.get(key));
            case "Exists" -> has;
            case "DoesNotExist" -> !has;
            default -> true; // an operator of a newer API: assume it may match
          };
      if (!met) {
        return false;
      }
    }
    return true;
  }
}
