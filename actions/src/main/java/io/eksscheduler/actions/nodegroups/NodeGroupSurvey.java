package io.eksscheduler.actions.nodegroups;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.Original;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.SuspendedProcess;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Nodegroup;

/**
 * The node groups of a cluster as a wake sees them: every EKS managed node group and every
 * self-managed Auto Scaling group tagged {@code kubernetes.io/cluster/NAME}, each with its sizes,
 * its zones (from its Auto Scaling group), the processes suspended on it and the original a stop
 * tagged it with.
 */
public final class NodeGroupSurvey {
  private static final String MANAGED_ASG_TAG = "eks:nodegroup-name";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * One group.
   *
   * @param name the managed node group's or the Auto Scaling group's name
   * @param managed true for an EKS managed node group
   * @param min its minimum size now
   * @param desired its desired size now
   * @param max its maximum size now
   * @param zones the Availability Zones it launches into
   * @param suspended the Auto Scaling processes suspended on it now (self-managed)
   * @param tagged the original a stop recorded in its tag, if any
   * @param arn the managed node group's ARN (null for an Auto Scaling group)
   * @param instanceType the instance type its nodes have, null when the group does not say
   * @param labels the Kubernetes labels its nodes get (managed node groups)
   * @param taints its Kubernetes taints as {@code key=value:Effect} (managed node groups)
   */
  public record Group(
      String name,
      boolean managed,
      int min,
      int desired,
      int max,
      List<String> zones,
      List<String> suspended,
      Optional<Original> tagged,
      String arn,
      String instanceType,
      Map<String, String> labels,
      List<String> taints) {

    /** What users read: {@code nodegroup general} or {@code asg dev-batch-asg}. */
    public String id() {
      return (managed ? "nodegroup " : "asg ") + name;
    }

    /** The ledger key of its original, the same nodegroups.scale uses. */
    public String ledgerKey() {
      return "original:" + id();
    }

    public String sizes() {
      return min + "/" + desired + "/" + max;
    }
  }

  private NodeGroupSurvey() {}

  /** The cluster's groups, managed ones first, each list in the order AWS returns it. */
  public static List<Group> take(ActionContext ctx, String cluster, Instant until)
      throws ActionFailure, InterruptedException {
    EksClient eks = ctx.client(EksClient.class);
    AutoScalingClient autoScaling = ctx.client(AutoScalingClient.class);
    // Paginators call AWS lazily, page by page: every page is fetched inside the call, so a
    // throttled page is retried like any call.
    List<String> names =
        AwsCalls.call(
            ctx,
            "listing the node groups of " + cluster,
            until,
            () -> {
              List<String> all = new ArrayList<>();
              eks.listNodegroupsPaginator(r -> r.clusterName(cluster))
                  .nodegroups()
                  .forEach(all::add);
              return all;
            });
    String clusterTag = "kubernetes.io/cluster/" + cluster;
    Map<String, AutoScalingGroup> asgs =
        AwsCalls.call(
            ctx,
            "listing the Auto Scaling groups tagged " + clusterTag,
            until,
            () -> {
              Map<String, AutoScalingGroup> all = new LinkedHashMap<>();
              autoScaling
                  .describeAutoScalingGroupsPaginator(
                      r -> r.filters(Filter.builder().name("tag-key").values(clusterTag).build()))
                  .autoScalingGroups()
                  .forEach(g -> all.put(g.autoScalingGroupName(), g));
              return all;
            });
    List<Group> out = new ArrayList<>();
    List<String> managedAsgs = new ArrayList<>();
    for (String name : names) {
      Nodegroup g =
          AwsCalls.call(
              ctx,
              "describing node group " + name,
              until,
              () ->
                  eks.describeNodegroup(r -> r.clusterName(cluster).nodegroupName(name))
                      .nodegroup());
      List<String> zones = new ArrayList<>();
      if (g.resources() != null) {
        g.resources()
            .autoScalingGroups()
            .forEach(
                a -> {
                  managedAsgs.add(a.name());
                  AutoScalingGroup backing = asgs.get(a.name());
                  if (backing != null) {
                    zones.addAll(backing.availabilityZones());
                  }
                });
      }
      out.add(
          new Group(
              name,
              true,
              g.scalingConfig().minSize(),
              g.scalingConfig().desiredSize(),
              g.scalingConfig().maxSize(),
              List.copyOf(zones),
              List.of(),
              parse(
                  g.tags() == null ? null : g.tags().get(ScaleNodeGroups.TAG),
                  "node group " + name),
              g.nodegroupArn(),
              g.instanceTypes() == null || g.instanceTypes().isEmpty()
                  ? null
                  : g.instanceTypes().get(0),
              g.labels() == null ? Map.of() : Map.copyOf(g.labels()),
              g.taints() == null
                  ? List.of()
                  : g.taints().stream()
                      .map(
                          t ->
                              t.key()
                                  + "="
                                  + (t.value() == null ? "" : t.value())
                                  + ":"
                                  + effect(t.effectAsString()))
                      .toList()));
    }
    for (AutoScalingGroup g : asgs.values()) {
      boolean managed =
          managedAsgs.contains(g.autoScalingGroupName())
              || g.tags().stream().anyMatch(t -> MANAGED_ASG_TAG.equals(t.key()));
      if (managed) {
        continue;
      }
      String tag =
          g.tags().stream()
              .filter(t -> ScaleNodeGroups.TAG.equals(t.key()))
              .map(TagDescription::value)
              .findFirst()
              .orElse(null);
      out.add(
          new Group(
              g.autoScalingGroupName(),
              false,
              g.minSize(),
              g.desiredCapacity(),
              g.maxSize(),
              List.copyOf(g.availabilityZones()),
              g.suspendedProcesses().stream().map(SuspendedProcess::processName).toList(),
              parse(tag, "Auto Scaling group " + g.autoScalingGroupName()),
              null,
              null,
              Map.of(),
              List.of()));
    }
    return out;
  }

  /** EKS's taint effect ({@code NO_SCHEDULE}) as Kubernetes writes it ({@code NoSchedule}). */
  static String effect(String eks) {
    return switch (eks == null ? "" : eks) {
      case "NO_SCHEDULE" -> "NoSchedule";
      case "NO_EXECUTE" -> "NoExecute";
      case "PREFER_NO_SCHEDULE" -> "PreferNoSchedule";
      default -> eks;
    };
  }

  /** The original in a tag's value, empty without one. */
  static Optional<Original> parse(String value, String what) throws ActionFailure {
    if (value == null) {
      return Optional.empty();
    }
    try {
      Original o = JSON.readValue(value, Original.class);
      if (o.v() != 1) {
        throw new ActionFailure(
            what
                + ": tag "
                + ScaleNodeGroups.TAG
                + " has version "
                + o.v()
                + ", which this release cannot read",
            false);
      }
      return Optional.of(o);
    } catch (JsonProcessingException e) {
      throw new ActionFailure(
          what + ": tag " + ScaleNodeGroups.TAG + " is not valid: " + value, false);
    }
  }
}
