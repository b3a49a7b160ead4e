package io.eksscheduler.actions.nodegroups;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateOverrides;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.autoscaling.model.MixedInstancesPolicy;
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
   * @param instanceTypes the instance types the group names itself: a managed group's {@code
   *     instanceTypes}, a MixedInstancesPolicy's overrides; empty when its launch template names it
   * @param launchTemplate the launch template it launches from, null when it names none
   * @param labels the Kubernetes labels its nodes get (managed node groups)
   * @param taints its Kubernetes taints as {@code key=value:Effect} (managed node groups)
   * @param status EKS's status of a managed node group ({@code ACTIVE}, {@code UPDATING}, ...); an
   *     Auto Scaling group's is {@code ACTIVE}, or {@code DELETING} while it is being deleted
   * @param healthIssues EKS's health issues of a managed node group, as {@code CODE: message}
   */
  public record Group(
      String name,
      boolean managed,
      int min,
      int desired,
      int max,
      List<String> zones,
      List<String> suspended,
      Optional<GroupOriginal> tagged,
      String arn,
      List<String> instanceTypes,
      LaunchTemplate launchTemplate,
      Map<String, String> labels,
      List<String> taints,
      String status,
      List<String> healthIssues) {

    /** What users read: {@code nodegroup general} or {@code asg dev-batch-asg}. */
    public String id() {
      return NodeGroupSurvey.id(managed, name);
    }

    /** The ledger key of its original, the same nodegroups.scale uses. */
    public String ledgerKey() {
      return NodeGroupSurvey.ledgerKey(managed, name);
    }

    public String sizes() {
      return min + "/" + desired + "/" + max;
    }
  }

  /**
   * A launch template as a group names it: by id or name, at a version ({@code 3}, {@code $Latest},
   * {@code $Default}; null for the default).
   */
  public record LaunchTemplate(String id, String name, String version) {

    /** What users read: its name, else its id, with the version when one is given. */
    public String label() {
      return (name != null ? name : id) + (version == null ? "" : " version " + version);
    }
  }

  private NodeGroupSurvey() {}

  /** What users read of a group: {@code nodegroup general} or {@code asg dev-batch-asg}. */
  static String id(boolean managed, String name) {
    return (managed ? "nodegroup " : "asg ") + name;
  }

  /**
   * The ledger key of a group's original, {@code original:nodegroup general}: one key for the stop
   * that records it and the wake that reads it.
   */
  static String ledgerKey(boolean managed, String name) {
    return "original:" + id(managed, name);
  }

  /**
   * What AWS answered, before any tag is read: the managed node groups as described, in the order
   * listed, and the Auto Scaling groups tagged {@code kubernetes.io/cluster/NAME} by name, in the
   * order listed, those behind managed node groups included.
   *
   * @param managed the managed node groups by the name they were listed under
   * @param autoScalingGroups the tagged Auto Scaling groups
   * @param managedAsgs the names of the Auto Scaling groups the managed node groups run on
   */
  record Read(
      Map<String, Nodegroup> managed,
      Map<String, AutoScalingGroup> autoScalingGroups,
      Set<String> managedAsgs) {

    /** True for the Auto Scaling group of a managed node group: not a self-managed group. */
    boolean ofManagedGroup(AutoScalingGroup g) {
      return managedAsgs.contains(g.autoScalingGroupName())
          || g.tags().stream().anyMatch(t -> MANAGED_ASG_TAG.equals(t.key()));
    }

    /** The zones a managed node group launches into, from its Auto Scaling groups. */
    List<String> zones(Nodegroup g) {
      List<String> zones = new ArrayList<>();
      if (g.resources() != null) {
        g.resources()
            .autoScalingGroups()
            .forEach(
                a -> {
                  AutoScalingGroup backing = autoScalingGroups.get(a.name());
                  if (backing != null) {
                    zones.addAll(backing.availabilityZones());
                  }
                });
      }
      return List.copyOf(zones);
    }
  }

  /** The cluster's groups, managed ones first, each list in the order AWS returns it. */
  public static List<Group> take(ActionContext ctx, String cluster, Instant until)
      throws ActionFailure, InterruptedException {
    Read read = read(ctx, cluster, until);
    List<Group> out = new ArrayList<>();
    for (Map.Entry<String, Nodegroup> e : read.managed().entrySet()) {
      out.add(managed(e.getKey(), e.getValue(), read.zones(e.getValue())));
    }
    for (AutoScalingGroup g : read.autoScalingGroups().values()) {
      if (!read.ofManagedGroup(g)) {
        out.add(selfManaged(g));
      }
    }
    return out;
  }

  /**
   * Reads the cluster's node groups: lists the managed node groups, lists the Auto Scaling groups
   * tagged for the cluster, then describes each managed node group.
   */
  static Read read(ActionContext ctx, String cluster, Instant until)
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
    Map<String, Nodegroup> managed = new LinkedHashMap<>();
    Set<String> managedAsgs = new LinkedHashSet<>();
    for (String name : names) {
      Nodegroup g = describe(ctx, eks, cluster, name, until);
      if (g.resources() != null) {
        g.resources().autoScalingGroups().forEach(a -> managedAsgs.add(a.name()));
      }
      managed.put(name, g);
    }
    return new Read(managed, asgs, managedAsgs);
  }

  /** DescribeNodegroup of {@code name}, retried as {@link AwsCalls} retries. */
  static Nodegroup describe(
      ActionContext ctx, EksClient eks, String cluster, String name, Instant until)
      throws ActionFailure, InterruptedException {
    return AwsCalls.call(
        ctx,
        "describing node group " + name,
        until,
        () -> eks.describeNodegroup(r -> r.clusterName(cluster).nodegroupName(name)).nodegroup());
  }

  /** A managed node group as a group, its tag read. */
  private static Group managed(String name, Nodegroup g, List<String> zones) throws ActionFailure {
    return new Group(
        name,
        true,
        g.scalingConfig().minSize(),
        g.scalingConfig().desiredSize(),
        g.scalingConfig().maxSize(),
        zones,
        List.of(),
        parse(tag(g), "node group " + name),
        g.nodegroupArn(),
        g.instanceTypes() == null ? List.of() : List.copyOf(g.instanceTypes()),
        g.launchTemplate() == null
            ? null
            : new LaunchTemplate(
                g.launchTemplate().id(), g.launchTemplate().name(), g.launchTemplate().version()),
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
                .toList(),
        g.statusAsString(),
        g.health() == null
            ? List.of()
            : g.health().issues().stream()
                .map(i -> i.codeAsString() + ": " + i.message())
                .toList());
  }

  /** A self-managed Auto Scaling group as a group, its tag read. */
  private static Group selfManaged(AutoScalingGroup g) throws ActionFailure {
    return new Group(
        g.autoScalingGroupName(),
        false,
        g.minSize(),
        g.desiredCapacity(),
        g.maxSize(),
        List.copyOf(g.availabilityZones()),
        suspended(g),
        parse(tag(g), "Auto Scaling group " + g.autoScalingGroupName()),
        null,
        overrideTypes(g),
        launchTemplate(g),
        Map.of(),
        List.of(),
        // DescribeAutoScalingGroups: Status is set only while the group is being deleted.
        g.status() == null ? "ACTIVE" : "DELETING",
        List.of());
  }

  /** The value of a managed node group's tag {@value ScaleNodeGroups#TAG}, null without one. */
  static String tag(Nodegroup g) {
    return g.tags() == null ? null : g.tags().get(ScaleNodeGroups.TAG);
  }

  /** The value of an Auto Scaling group's tag {@value ScaleNodeGroups#TAG}, null without one. */
  static String tag(AutoScalingGroup g) {
    return g.tags().stream()
        .filter(t -> ScaleNodeGroups.TAG.equals(t.key()))
        .map(TagDescription::value)
        .findFirst()
        .orElse(null);
  }

  /** The processes suspended on an Auto Scaling group now. */
  static List<String> suspended(AutoScalingGroup g) {
    return g.suspendedProcesses().stream().map(SuspendedProcess::processName).toList();
  }

  /** The instance types a MixedInstancesPolicy's overrides name, empty without one. */
  static List<String> overrideTypes(AutoScalingGroup g) {
    MixedInstancesPolicy p = g.mixedInstancesPolicy();
    if (p == null || p.launchTemplate() == null || !p.launchTemplate().hasOverrides()) {
      return List.of();
    }
    return p.launchTemplate().overrides().stream()
        .map(LaunchTemplateOverrides::instanceType)
        .filter(t -> t != null)
        .toList();
  }

  /** An Auto Scaling group's launch template, its own or its MixedInstancesPolicy's; or null. */
  static LaunchTemplate launchTemplate(AutoScalingGroup g) {
    LaunchTemplateSpecification t = g.launchTemplate();
    if (t == null
        && g.mixedInstancesPolicy() != null
        && g.mixedInstancesPolicy().launchTemplate() != null) {
      t = g.mixedInstancesPolicy().launchTemplate().launchTemplateSpecification();
    }
    return t == null
        ? null
        : new LaunchTemplate(t.launchTemplateId(), t.launchTemplateName(), t.version());
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
  static Optional<GroupOriginal> parse(String value, String what) throws ActionFailure {
    if (value == null) {
      return Optional.empty();
    }
    try {
      GroupOriginal o = JSON.readValue(value, GroupOriginal.class);
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
