package io.eksscheduler.sandbox.scenario;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Taint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns node groups into KWOK-managed Node objects named and labelled as EKS names and labels them
 * ({@code ip-10-0-X-Y.REGION.compute.internal}, zone, instance type, node group).
 */
public final class SimulatedNodes {

  /** The annotation KWOK is started to manage ({@code --manage-nodes-with-annotation-selector}). */
  public static final String KWOK_ANNOTATION = "kwok.x-k8s.io/node";

  /**
   * The node's simulated VPC address; KWOK's node stage copies it to {@code status.addresses}, and
   * hostNetwork pods get it as pod IP. Never a loopback address: EndpointSlices refuse those.
   */
  public static final String INTERNAL_IP_ANNOTATION = "sandbox.eks-scheduler.io/internal-ip";

  public static final String NODE_GROUP_LABEL = "eks.amazonaws.com/nodegroup";
  public static final String SCENARIO_LABEL = "sandbox.eks-scheduler.io/scenario";

  private SimulatedNodes() {}

  /** Every node of {@code scenario}, in group then index order. */
  public static List<V1Node> build(Scenario scenario) {
    List<V1Node> nodes = new ArrayList<>();
    for (int g = 0; g < scenario.nodeGroups().size(); g++) {
      NodeGroup group = scenario.nodeGroups().get(g);
      for (int i = 0; i < group.count(); i++) {
        nodes.add(node(scenario, group, g, i));
      }
    }
    return nodes;
  }

  /** The simulated address of node {@code index} of group number {@code groupIndex}. */
  static String internalIp(int groupIndex, int zoneIndex, int index) {
    // One /24 per (zone, group) like EKS subnets; host part from 10 so names look real.
    return "10.0." + (zoneIndex * 64 + groupIndex) + "." + (10 + index);
  }

  static V1Node node(Scenario scenario, NodeGroup group, int groupIndex, int index) {
    int zoneIndex = index % group.zones().size();
    String zone = group.zones().get(zoneIndex);
    String ip = internalIp(groupIndex, zoneIndex, index);
    String name = "ip-" + ip.replace('.', '-') + "." + scenario.region() + ".compute.internal";
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.put("topology.kubernetes.io/region", scenario.region());
    labels.put("topology.kubernetes.io/zone", zone);
    labels.put("node.kubernetes.io/instance-type", group.instanceType());
    labels.put(NODE_GROUP_LABEL, group.name());
    labels.put("eks.amazonaws.com/capacityType", group.capacityType());
    labels.put("type", "kwok");
    labels.put(SCENARIO_LABEL, scenario.name());
    labels.putAll(group.labels());
    V1Node node =
        new V1Node()
            .apiVersion("v1")
            .kind("Node")
            .metadata(
                new V1ObjectMeta()
                    .name(name)
                    .labels(labels)
                    .annotations(
                        Map.of(
                            KWOK_ANNOTATION,
                            "fake",
                            INTERNAL_IP_ANNOTATION,
                            ip,
                            "node.alpha.kubernetes.io/ttl",
                            "0")))
            .spec(
                new V1NodeSpec()
                    .providerID(
                        "aws:///"
                            + zone
                            + "/i-0"
                            + String.format("%016x", (long) name.hashCode() & 0xffffffffL))
                    .taints(
                        group.taints().isEmpty()
                            ? null
                            : group.taints().stream()
                                .map(
                                    t ->
                                        new V1Taint()
                                            .key(t.key())
                                            .value(t.value())
                                            .effect(t.effect()))
                                .toList()))
            .status(
                new V1NodeStatus()
                    .capacity(quantities(group.capacity()))
                    .allocatable(quantities(group.allocatable())));
    return node;
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, Quantity.fromString(v)));
    return out;
  }
}
