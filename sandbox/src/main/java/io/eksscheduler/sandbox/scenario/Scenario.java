package io.eksscheduler.sandbox.scenario;

import java.util.List;
import java.util.Map;

/**
 * What a sandbox starts with: the simulated EKS cluster and its node groups, the Services that
 * front the sandbox's admission webhook server, and Kubernetes manifests already filled in.
 */
public record Scenario(
    String name,
    String region,
    EksCluster cluster,
    List<NodeGroup> nodeGroups,
    List<String> webhookServices,
    List<Map<String, Object>> manifests) {

  public Scenario {
    nodeGroups = List.copyOf(nodeGroups);
    webhookServices = List.copyOf(webhookServices);
    manifests = List.copyOf(manifests);
  }

  /** A scenario whose cluster is named after it, with default identities and delays. */
  public Scenario(
      String name,
      String region,
      List<NodeGroup> nodeGroups,
      List<String> webhookServices,
      List<Map<String, Object>> manifests) {
    this(name, region, EksCluster.defaults(name), nodeGroups, webhookServices, manifests);
  }

  /**
   * This scenario with its pods' termination grace periods divided by the speed factor (see {@link
   * GracePeriods}).
   */
  public Scenario atSpeed(io.eksscheduler.sandbox.controlplane.Speed speed) {
    return new Scenario(
        name, region, cluster, nodeGroups, webhookServices, GracePeriods.scaled(manifests, speed));
  }

  /** Total simulated nodes at {@code up}. */
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
