package io.eksscheduler.sandbox.scenario;

import java.util.List;
import java.util.Map;

/**
 * A group of identical simulated nodes spread over zones: an EKS managed node group (with its
 * backing Auto Scaling group) or a self-managed Auto Scaling group tagged {@code
 * kubernetes.io/cluster/NAME: owned}. {@code count} is its desired size at {@code up}.
 */
public record NodeGroup(
    String name,
    boolean managed,
    int minSize,
    int count,
    int maxSize,
    List<String> zones,
    String instanceType,
    String capacityType,
    Map<String, String> capacity,
    Map<String, String> allocatable,
    Map<String, String> labels,
    List<Taint> taints,
    Map<String, String> tags) {

  /** A node taint as in {@code node.spec.taints}. */
  public record Taint(String key, String value, String effect) {}

  public NodeGroup {
    zones = List.copyOf(zones);
    capacity = Map.copyOf(capacity);
    allocatable = Map.copyOf(allocatable);
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
    tags = Map.copyOf(tags);
  }

  /** A managed group of {@code count} nodes, min 0, max the larger of count and 1. */
  public static NodeGroup managed(
      String name,
      int count,
      List<String> zones,
      String instanceType,
      Map<String, String> capacity,
      Map<String, String> allocatable) {
    return new NodeGroup(
        name,
        true,
        0,
        count,
        Math.max(count, 1),
        zones,
        instanceType,
        "ON_DEMAND",
        capacity,
        allocatable,
        Map.of(),
        List.of(),
        Map.of());
  }
}
