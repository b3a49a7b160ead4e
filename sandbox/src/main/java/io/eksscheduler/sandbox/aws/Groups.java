package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.AsgTag;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import java.util.UUID;

/**
 * A new group's names, ARNs and tags as EKS and Auto Scaling give them, for the scenario's groups
 * and for those CreateNodegroup makes.
 */
final class Groups {

  private Groups() {}

  /**
   * A group named {@code name}: a managed one is backed by {@code eks-<name>-<uuid>}, the UUID that
   * ends its node group ARN, and tagged as EKS tags it; a self-managed one is {@code
   * <cluster>-<name>-asg}.
   */
  static Group named(SimulatorConfig config, String name, boolean managed, int subnetIndex) {
    Group group = new Group();
    group.name = name;
    group.managed = managed;
    group.subnetIndex = subnetIndex;
    group.uuid = UUID.randomUUID().toString();
    group.asgName =
        managed ? "eks-" + name + "-" + group.uuid : config.clusterName() + "-" + name + "-asg";
    group.asgArn =
        "arn:aws:autoscaling:"
            + config.region()
            + ":"
            + config.accountId()
            + ":autoScalingGroup:"
            + UUID.randomUUID()
            + ":autoScalingGroupName/"
            + group.asgName;
    group.nodegroupArn =
        managed
            ? "arn:aws:eks:"
                + config.region()
                + ":"
                + config.accountId()
                + ":nodegroup/"
                + config.clusterName()
                + "/"
                + name
                + "/"
                + group.uuid
            : null;
    group.launchTemplateId =
        "lt-0" + String.format("%016x", (long) group.asgName.hashCode() & 0xffffffffL);
    // A managed group's template is EKS's own (unnamed here); a self-managed one's is the group's.
    group.launchTemplateName = managed ? null : group.asgName;
    if (managed) {
      group.asgTags.add(new AsgTag("eks:cluster-name", config.clusterName(), true));
      group.asgTags.add(new AsgTag("eks:nodegroup-name", name, true));
      group.asgTags.add(new AsgTag("k8s.io/cluster-autoscaler/enabled", "true", true));
      group.asgTags.add(
          new AsgTag("k8s.io/cluster-autoscaler/" + config.clusterName(), "owned", true));
      group.asgTags.add(new AsgTag("kubernetes.io/cluster/" + config.clusterName(), "owned", true));
    } else {
      group.asgTags.add(new AsgTag("Name", config.clusterName() + "-" + name + "-Node", true));
      group.asgTags.add(new AsgTag("kubernetes.io/cluster/" + config.clusterName(), "owned", true));
    }
    return group;
  }

  /** The group part of the addresses of {@code group}'s instances. */
  static int subnetIndex(SimulatedAws state, Group group) {
    return group.subnetIndex != null ? group.subnetIndex : state.groups.indexOf(group);
  }

  /** A subnet index no group of {@code state} uses. */
  static int freeSubnetIndex(SimulatedAws state) {
    int max = -1;
    for (Group g : state.groups) {
      max = Math.max(max, subnetIndex(state, g));
    }
    return max + 1;
  }

  /** Whether an update of {@code group} is InProgress or it is being created or deleted. */
  static boolean busy(SimulatedAws state, Group group) {
    return group.status != null
        || state.updates.values().stream()
            .anyMatch(u -> group.name.equals(u.nodegroupName) && u.status.equals("InProgress"));
  }
}
