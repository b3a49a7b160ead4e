package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.actions.kube.Nodes;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.models.V1Node;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Which Kubernetes nodes are a group's. A managed node group's nodes carry the label {@value
 * ScaleNodeGroups#NODEGROUP_LABEL}, unless they boot from a custom AMI whose bootstrap does not set
 * it; so a node is a group's when it has the group's label or when its {@code spec.providerID}
 * names an instance of the group's Auto Scaling groups. "Nodes gone" and "nodes Ready" never hang
 * on a missing label.
 */
final class GroupNodes {

  /**
   * The instances of each group now, and how many of them are still in its Auto Scaling groups.
   *
   * @param instances the instance ids of each group (by group id), from its Auto Scaling groups
   */
  record Members(Map<String, Set<String>> instances) {

    /** The nodes of group {@code id} among {@code nodes}: its label, or one of its instances. */
    List<V1Node> nodes(String id, String managedName, List<V1Node> nodes) {
      Set<String> own = instances.getOrDefault(id, Set.of());
      List<V1Node> out = new ArrayList<>();
      for (V1Node n : nodes) {
        String label =
            n.getMetadata() == null || n.getMetadata().getLabels() == null
                ? null
                : n.getMetadata().getLabels().get(ScaleNodeGroups.NODEGROUP_LABEL);
        if ((managedName != null && managedName.equals(label))
            || own.contains(Nodes.instanceId(n))) {
          out.add(n);
        }
      }
      return out;
    }

    /** How many instances group {@code id}'s Auto Scaling groups still have (any state). */
    int instanceCount(String id) {
      return instances.getOrDefault(id, Set.of()).size();
    }
  }

  private GroupNodes() {}

  /**
   * The Auto Scaling groups of each managed node group (from DescribeNodegroup, read once per wait:
   * they do not change), by group id; a self-managed group is its own.
   */
  static Map<String, List<String>> autoScalingGroups(
      ActionContext ctx,
      EksClient eks,
      String cluster,
      List<String> managed,
      List<String> selfManaged,
      Instant until)
      throws ActionFailure, InterruptedException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : managed) {
      var g = NodeGroupSurvey.describe(ctx, eks, cluster, name, until);
      List<String> asgs = new ArrayList<>();
      if (g.resources() != null) {
        g.resources().autoScalingGroups().forEach(a -> asgs.add(a.name()));
      }
      out.put(NodeGroupSurvey.id(true, name), asgs);
    }
    for (String name : selfManaged) {
      out.put(NodeGroupSurvey.id(false, name), List.of(name));
    }
    return out;
  }

  /** The instances of each group now (DescribeAutoScalingGroups, 50 names a call, every page). */
  static Members members(
      ActionContext ctx,
      AutoScalingClient autoScaling,
      Map<String, List<String>> groups,
      Instant until)
      throws ActionFailure, InterruptedException {
    List<String> names = new ArrayList<>();
    groups.values().forEach(names::addAll);
    Map<String, AutoScalingGroup> found = new LinkedHashMap<>();
    AutoScalingCalls.describe(
            ctx,
            autoScaling,
            names,
            "describing Auto Scaling groups " + String.join(", ", names),
            until)
        .forEach(g -> found.put(g.autoScalingGroupName(), g));
    Map<String, Set<String>> instances = new LinkedHashMap<>();
    groups.forEach(
        (id, asgs) -> {
          Set<String> ids = new LinkedHashSet<>();
          for (String asg : asgs) {
            AutoScalingGroup g = found.get(asg);
            if (g != null) {
              g.instances().stream().map(Instance::instanceId).forEach(ids::add);
            }
          }
          instances.put(id, ids);
        });
    return new Members(instances);
  }
}
