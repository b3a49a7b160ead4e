package io.eksscheduler.sandbox.scenario;

import java.util.List;
import java.util.Map;

/**
 * What a sandbox starts with: simulated nodes grouped as node groups, the Services that front the
 * sandbox's admission webhook server, and Kubernetes manifests already filled in.
 */
public record Scenario(
    String name,
    String region,
    List<NodeGroup> nodeGroups,
    List<String> webhookServices,
    List<Map<String, Object>> manifests) {

  public Scenario {
    nodeGroups = List.copyOf(nodeGroups);
    webhookServices = List.copyOf(webhookServices);
    manifests = List.copyOf(manifests);
  }

  /** Total simulated nodes. */
  public int nodeCount() {
    return nodeGroups.stream().mapToInt(NodeGroup::count).sum();
  }

  /** DNS names the API server expects on the webhook certificate: {@code svc.ns.svc}. */
  public List<String> webhookDnsNames() {
    return webhookServices.stream()
        .map(s -> s.split("/", 2))
        .map(p -> p[1] + "." + p[0] + ".svc")
        .toList();
  }
}
