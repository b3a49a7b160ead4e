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

  /** The label eksctl gives self-managed ("unmanaged") node groups' nodes. */
  public static final String SELF_MANAGED_GROUP_LABEL = "alpha.eksctl.io/nodegroup-name";

  /** Where a node sits: its zone, its simulated address and the EC2 instance behind it. */
  public record Placement(String zone, String internalIp, String instanceId) {

    /** The EKS node name of this address, {@code ip-10-0-1-5.REGION.compute.internal}. */
    public String nodeName(String region) {
      return "ip-" + internalIp.replace('.', '-') + "." + region + ".compute.internal";
    }
  }

  /** Every node of {@code scenario} at its desired sizes, in group then index order. */
  public static List<V1Node> build(Scenario scenario) {
    List<V1Node> nodes = new ArrayList<>();
    for (int g = 0; g < scenario.nodeGroups().size(); g++) {
      NodeGroup group = scenario.nodeGroups().get(g);
      for (int i = 0; i < group.count(); i++) {
        int zoneIndex = i % group.zones().size();
        String ip = internalIp(g, zoneIndex, i);
        nodes.add(
            node(
                scenario.region(),
                scenario.name(),
                group,
                new Placement(group.zones().get(zoneIndex), ip, instanceId(ip))));
      }
    }
    return nodes;
  }

  /** The simulated address of host {@code index} in the subnet of (zone, group). */
  public static String internalIp(int groupIndex, int zoneIndex, int index) {
    // One /24 per (zone, group) like EKS subnets; host part from 10 so names look real.
    return "10.0." + (zoneIndex * 64 + groupIndex) + "." + (10 + index);
  }

  /** A stable EC2-style instance id for an address (17 hex digits after {@code i-}). */
  public static String instanceId(String seed) {
    return "i-0" + String.format("%016x", (long) seed.hashCode() & 0xffffffffL);
  }

  /** The Node object of one instance of {@code group}, as EKS's bootstrap would register it. */
  public static V1Node node(
      String region, String scenarioName, NodeGroup group, Placement placement) {
    String name = placement.nodeName(region);
    String zone = placement.zone();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/instance-type", group.instanceType());
    labels.put("topology.kubernetes.io/region", region);
    labels.put("topology.kubernetes.io/zone", zone);
    labels.put("failure-domain.beta.kubernetes.io/zone", zone);
    labels.put("topology.k8s.aws/zone-id", zoneId(region, zone));
    labels.put("node.kubernetes.io/instance-type", group.instanceType());
    if (group.managed()) {
      labels.put(NODE_GROUP_LABEL, group.name());
      labels.put("eks.amazonaws.com/capacityType", group.capacityType());
      labels.put("eks.amazonaws.com/nodegroup-image", "ami-0sandbox0000000000");
    } else {
      labels.put(SELF_MANAGED_GROUP_LABEL, group.name());
    }
    labels.put("type", "kwok");
    labels.put(SCENARIO_LABEL, scenarioName);
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
                            placement.internalIp(),
                            "node.alpha.kubernetes.io/ttl",
                            "0")))
            .spec(
                new V1NodeSpec()
                    .providerID("aws:///" + zone + "/" + placement.instanceId())
                    .taints(
                        group.taints().isEmpty()
                            ? null
                            : group.taints().stream()
                                .map(
                                    t ->
                                        new V1Taint()
                                            .key(t.key())
                                            .value(t.value().isEmpty() ? null : t.value())
                                            .effect(t.effect()))
                                .toList()))
            .status(
                new V1NodeStatus()
                    .capacity(quantities(group.capacity()))
                    .allocatable(quantities(group.allocatable())));
    return node;
  }

  /** An AZ id such as {@code euw1-az1} for {@code eu-west-1a}. */
  static String zoneId(String region, String zone) {
    String[] parts = region.split("-");
    String prefix = parts[0] + (parts.length > 2 ? parts[1].charAt(0) + parts[2] : "");
    char letter = zone.charAt(zone.length() - 1);
    return prefix + "-az" + (letter - 'a' + 1);
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, Quantity.fromString(v)));
    return out;
  }
}
