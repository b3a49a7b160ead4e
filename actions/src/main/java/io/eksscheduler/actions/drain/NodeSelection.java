package io.eksscheduler.actions.drain;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.models.V1Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks the nodes a step works on from nodes already listed: {@code all}, {@code {nodegroup: NAME}}
 * (the EKS label) or {@code {names: [...]}}; sorted by name, so runs are repeatable. (A {@code
 * {selector: ...}} is answered by the API server itself.)
 */
final class NodeSelection {
  static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";

  private NodeSelection() {}

  static List<V1Node> select(JsonNode spec, List<V1Node> nodes) throws ActionFailure {
    List<V1Node> out = new ArrayList<>();
    if (spec == null || spec.isNull() || (spec.isTextual() && spec.asText().equals("all"))) {
      out.addAll(nodes);
    } else if (spec.has("nodegroup")) {
      String group = spec.get("nodegroup").asText();
      for (V1Node n : nodes) {
        if (group.equals(labels(n).get(NODEGROUP_LABEL))) {
          out.add(n);
        }
      }
    } else if (spec.has("names")) {
      Set<String> wanted = new TreeSet<>();
      spec.get("names").forEach(n -> wanted.add(n.asText()));
      for (V1Node n : nodes) {
        if (wanted.remove(n.getMetadata().getName())) {
          out.add(n);
        }
      }
      if (!wanted.isEmpty()) {
        throw new ActionFailure("no such nodes: " + String.join(", ", wanted), false);
      }
    }
    out.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    return out;
  }

  private static Map<String, String> labels(V1Node n) {
    Map<String, String> l = n.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }
}
