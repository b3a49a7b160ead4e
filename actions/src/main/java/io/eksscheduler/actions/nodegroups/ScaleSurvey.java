package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.Nodes;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.eks.model.Nodegroup;

/**
 * What a stop of node groups reads before it decides, through the one {@link NodeGroupSurvey}:
 * every managed node group and every Auto Scaling group tagged for the cluster, each with its
 * sizes, the value of its tag {@value ScaleNodeGroups#TAG} as found (read only for the groups the
 * stop acts on) and the original this step's ledger holds for it.
 *
 * @param run the run, whose id an original recorded now carries
 * @param groups the managed node groups in the order listed, then the Auto Scaling groups in the
 *     order listed
 */
record ScaleSurvey(String run, List<ScaleSurvey.Found> groups) {

  /**
   * One group as found.
   *
   * @param name the managed node group's or the Auto Scaling group's name
   * @param managed true for an EKS managed node group
   * @param min its minimum size now
   * @param desired its desired size now
   * @param max its maximum size now
   * @param suspended the Auto Scaling processes suspended on it now (self-managed)
   * @param tag the value of its tag {@value ScaleNodeGroups#TAG}, null without one
   * @param ledgered the original this step's ledger holds for it
   * @param ofManagedGroup true for the Auto Scaling group a managed node group runs on
   * @param arn the managed node group's ARN (null for an Auto Scaling group)
   * @param instanceType the instance type of its nodes, null when it does not say
   * @param spot whether its nodes are Spot capacity
   */
  record Found(
      String name,
      boolean managed,
      int min,
      int desired,
      int max,
      List<String> suspended,
      String tag,
      Optional<GroupOriginal> ledgered,
      boolean ofManagedGroup,
      String arn,
      String instanceType,
      boolean spot) {

    /** What users read: {@code nodegroup general} or {@code asg dev-batch-asg}. */
    String id() {
      return NodeGroupSurvey.id(managed, name);
    }

    /** The ledger key of its original: {@code original:nodegroup general}. */
    String ledgerKey() {
      return NodeGroupSurvey.ledgerKey(managed, name);
    }

    /** The ledger key of the nodes it ran: {@code nodes:nodegroup general}. */
    String nodesKey() {
      return ScaleNodeGroups.NODES + id();
    }

    String sizes() {
      return min + "/" + desired + "/" + max;
    }

    /** The processes a stop suspends on it: those of {@link ScaleNodeGroups#PROCESSES} not yet. */
    List<String> toSuspend() {
      if (managed) {
        return List.of();
      }
      List<String> out = new ArrayList<>(ScaleNodeGroups.PROCESSES);
      out.removeAll(suspended);
      return out;
    }

    /** At zero, with every process a stop suspends suspended. */
    boolean atZero() {
      return desired == 0 && min == 0 && toSuspend().isEmpty();
    }

    /** What it holds now, as the original {@code run} would record. */
    GroupOriginal current(String run) {
      return managed
          ? new GroupOriginal(1, run, min, desired, max, null, null)
          : new GroupOriginal(1, run, min, desired, max, suspended, toSuspend());
    }

    /** The nodes it ran, counted from {@code original}. */
    Nodes nodes(GroupOriginal original) {
      return new Nodes(original.desired(), instanceType, spot);
    }
  }

  /** Reads the groups of {@code cluster} and this step's ledgered originals of them. */
  static ScaleSurvey take(ActionContext ctx, String cluster, Instant until)
      throws ActionFailure, InterruptedException {
    NodeGroupSurvey.Read read = NodeGroupSurvey.read(ctx, cluster, until);
    List<Found> groups = new ArrayList<>();
    for (Nodegroup g : read.managed().values()) {
      groups.add(managed(g, instanceType(g, read), ledgered(ctx, true, g.nodegroupName())));
    }
    for (AutoScalingGroup g : read.autoScalingGroups().values()) {
      boolean ofManagedGroup = read.ofManagedGroup(g);
      groups.add(
          selfManaged(
              g,
              ofManagedGroup,
              ofManagedGroup ? Optional.empty() : ledgered(ctx, false, g.autoScalingGroupName())));
    }
    return new ScaleSurvey(ctx.runId(), List.copyOf(groups));
  }

  private static Optional<GroupOriginal> ledgered(ActionContext ctx, boolean managed, String name) {
    return ctx.ledger().get(NodeGroupSurvey.ledgerKey(managed, name), GroupOriginal.class);
  }

  /**
   * A managed node group's instance type: the first it names, else (created with a launch template
   * that names it) the type its running instances have; null when neither says.
   */
  private static String instanceType(Nodegroup g, NodeGroupSurvey.Read read) {
    if (g.instanceTypes() != null && !g.instanceTypes().isEmpty()) {
      return g.instanceTypes().get(0);
    }
    if (g.resources() == null) {
      return null;
    }
    return g.resources().autoScalingGroups().stream()
        .map(a -> read.autoScalingGroups().get(a.name()))
        .filter(a -> a != null)
        .map(ScaleSurvey::instanceType)
        .filter(t -> t != null)
        .findFirst()
        .orElse(null);
  }

  /** The instance type of an Auto Scaling group's first instance that says, or null. */
  private static String instanceType(AutoScalingGroup g) {
    return g.instances().stream()
        .map(i -> i.instanceType())
        .filter(t -> t != null && !t.isEmpty())
        .findFirst()
        .orElse(null);
  }

  private static Found managed(Nodegroup g, String instanceType, Optional<GroupOriginal> ledgered) {
    return new Found(
        g.nodegroupName(),
        true,
        g.scalingConfig().minSize(),
        g.scalingConfig().desiredSize(),
        g.scalingConfig().maxSize(),
        List.of(),
        NodeGroupSurvey.tag(g),
        ledgered,
        false,
        g.nodegroupArn(),
        instanceType,
        "SPOT".equals(g.capacityTypeAsString()));
  }

  private static Found selfManaged(
      AutoScalingGroup g, boolean ofManagedGroup, Optional<GroupOriginal> ledgered) {
    String type = instanceType(g);
    var mixed = g.mixedInstancesPolicy();
    boolean spot =
        mixed != null
            && mixed.instancesDistribution() != null
            && mixed.instancesDistribution().onDemandPercentageAboveBaseCapacity() != null
            && mixed.instancesDistribution().onDemandPercentageAboveBaseCapacity() < 100;
    return new Found(
        g.autoScalingGroupName(),
        false,
        g.minSize(),
        g.desiredCapacity(),
        g.maxSize(),
        NodeGroupSurvey.suspended(g),
        NodeGroupSurvey.tag(g),
        ledgered,
        ofManagedGroup,
        null,
        type,
        spot);
  }
}
