package io.eksscheduler.sandbox.scenario;

import java.util.List;
import java.util.Map;

/**
 * A group of identical simulated nodes spread over zones: an EKS managed node group (with its
 * backing Auto Scaling group) or a self-managed Auto Scaling group tagged {@code
 * kubernetes.io/cluster/NAME: owned}. {@code count} is its desired size at {@code up}.
 *
 * <p>Where its instance type is declared, as on a real account: a managed group names it in its
 * {@code instanceTypes}, or, with {@code launchTemplate}, in the launch template it was created
 * with (EKS then answers no {@code instanceTypes}); a self-managed group in its launch template,
 * or, with {@code mixedInstanceTypes}, in the overrides of a MixedInstancesPolicy (its instances
 * launch as {@code instanceType}).
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
    Map<String, String> tags,
    boolean launchTemplate,
    List<String> mixedInstanceTypes) {

  /** A node taint as in {@code node.spec.taints}. */
  public record Taint(String key, String value, String effect) {}

  public NodeGroup {
    zones = List.copyOf(zones);
    capacity = Map.copyOf(capacity);
    allocatable = Map.copyOf(allocatable);
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
    tags = Map.copyOf(tags);
    mixedInstanceTypes = List.copyOf(mixedInstanceTypes);
  }

  /** A group whose instance type is its own (instanceTypes, or a self-managed launch template). */
  public NodeGroup(
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
    this(
        name,
        managed,
        minSize,
        count,
        maxSize,
        zones,
        instanceType,
        capacityType,
        capacity,
        allocatable,
        labels,
        taints,
        tags,
        false,
        List.of());
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
