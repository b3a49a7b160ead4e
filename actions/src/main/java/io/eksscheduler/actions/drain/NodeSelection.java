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
 * {selector: ...}} is answered by the API server itself.) Fargate's virtual nodes are never picked:
 * each runs one pod on capacity no node group scales, so there is nothing to cordon or drain; the
 * pod goes when its workload sleeps.
 */
final class NodeSelection {
  static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";
  static final String COMPUTE_TYPE_LABEL = "eks.amazonaws.com/compute-type";

  private NodeSelection() {}

  static List<V1Node> select(JsonNode spec, List<V1Node> nodes) throws ActionFailure {
    List<V1Node> out = new ArrayList<>();
    if (spec == null || spec.isNull() || (spec.isTextual() && spec.asText().equals("all"))) {
      out.addAll(withoutFargate(nodes));
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
          if (fargate(n)) {
            throw new ActionFailure(
                "node "
                    + n.getMetadata().getName()
                    + " is a Fargate node: there is no instance to drain, its pod goes when its"
                    + " workload sleeps",
                false);
          }
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

  /** True for a Fargate virtual node (label {@value #COMPUTE_TYPE_LABEL}: fargate). */
  static boolean fargate(V1Node n) {
    return "fargate".equals(labels(n).get(COMPUTE_TYPE_LABEL));
  }

  /** {@code nodes} without Fargate's virtual nodes. */
  static List<V1Node> withoutFargate(List<V1Node> nodes) {
    return nodes.stream().filter(n -> !fargate(n)).toList();
  }

  private static Map<String, String> labels(V1Node n) {
    Map<String, String> l = n.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }
}
