package io.eksscheduler.sandbox.scenario;

import java.util.List;
import java.util.Map;

/**
 * A group of identical simulated nodes spread round-robin over zones, the unit that part 2 turns
 * into an EKS managed node group backed by an Auto Scaling group.
 */
public record NodeGroup(
    String name,
    int count,
    List<String> zones,
    String instanceType,
    String capacityType,
    Map<String, String> capacity,
    Map<String, String> allocatable,
    Map<String, String> labels,
    List<Taint> taints) {

  /** A node taint as in {@code node.spec.taints}. */
  public record Taint(String key, String value, String effect) {}

  public NodeGroup {
    zones = List.copyOf(zones);
    capacity = Map.copyOf(capacity);
    allocatable = Map.copyOf(allocatable);
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
  }
}
