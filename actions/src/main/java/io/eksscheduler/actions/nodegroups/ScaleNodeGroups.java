package io.eksscheduler.actions.nodegroups;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import java.time.Duration;
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
import software.amazon.awssdk.services.autoscaling.model.SuspendedProcess;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;

/**
 * Scales a cluster's node groups to zero for a hibernation: EKS managed node groups through
 * UpdateNodegroupConfig (min 0, desired 0, max unchanged) and self-managed Auto Scaling groups
 * (tagged {@code kubernetes.io/cluster/NAME}) through UpdateAutoScalingGroup, after suspending
 * AZRebalance, AlarmNotification and ScheduledActions. Each original is recorded in the ledger and
 * as the tag {@code eks-scheduler.io/original} before the change, and never overwritten, so a wake
 * restores exactly what was there. Then waits until the groups' nodes are gone.
 */
public final class ScaleNodeGroups implements Action<ScaleNodeGroups.Params> {
  /** The tag holding a group's original sizes, as small versioned JSON. */
  public static final String TAG = "eks-scheduler.io/original";

  static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";
  static final List<String> PROCESSES =
      List.of("AZRebalance", "AlarmNotification", "ScheduledActions");
  private static final String MANAGED_ASG_TAG = "eks:nodegroup-name";
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * The parameters of {@code nodegroups.scale}.
   *
   * @param cluster the EKS cluster's name
   * @param nodegroups {@code all} (default) or a list of managed node group or Auto Scaling group
   *     names
   * @param size {@code zero}, the only size so far
   * @param nodeDeadline how long updates and the nodes' going are waited for (default 20m)
   */
  public record Params(String cluster, JsonNode nodegroups, String size, String nodeDeadline) {

    Duration deadline() {
      return nodeDeadline == null
          ? Duration.ofMinutes(20)
          : Durations.parse(nodeDeadline).orElse(Duration.ofMinutes(20));
    }

    boolean all() {
      return nodegroups == null || nodegroups.isNull() || "all".equals(nodegroups.asText(null));
    }

    List<String> names() {
      List<String> out = new ArrayList<>();
      if (nodegroups != null && nodegroups.isArray()) {
        nodegroups.forEach(n -> out.add(n.asText()));
      }
      return out;
    }
  }

  /**
   * A group's original, as recorded in the ledger and in the tag.
   *
   * @param v the format's version (1)
   * @param run the run that recorded it
   * @param min the original minimum size
   * @param desired the original desired size
   * @param max the original maximum size
   * @param suspendedBefore the processes already suspended before the stop (Auto Scaling groups)
   * @param suspended the processes the stop suspended (Auto Scaling groups)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Original(
      int v,
      String run,
      int min,
      int desired,
      int max,
      List<String> suspendedBefore,
      List<String> suspended) {

    public String sizes() {
      return min + "/" + desired + "/" + max;
    }

    String json() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The ledger key prefix of what a stop records of the nodes it removed ({@link Nodes}). */
  public static final String NODES = "nodes:";

  /**
   * The nodes a group ran when the stop found it: what a saving is counted from ({@code fleet
   * status}). Recorded once, with the group's original.
   *
   * @param count the nodes (its original desired size)
   * @param instanceType their instance type; null when the group did not say (an Auto Scaling group
   *     without instances)
   * @param spot whether they were Spot capacity (a managed group's capacity type SPOT, an Auto
   *     Scaling group with a Spot share): an on-demand price is then an upper bound
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Nodes(int count, String instanceType, boolean spot) {}

  /** Records {@code nodes} under {@code key} unless a first attempt did. */
  private static void recordNodes(ActionContext ctx, String key, Nodes nodes) {
    if (ctx.ledger().get(key, Nodes.class).isEmpty()) {
      ctx.ledger().put(key, nodes);
    }
  }

  /** A managed node group as found. */
  private record Managed(Nodegroup group, Optional<Original> tagged) {
    String name() {
      return group.nodegroupName();
    }

    NodegroupScalingConfig scaling() {
      return group.scalingConfig();
    }

    boolean atZero() {
      return scaling().desiredSize() == 0 && scaling().minSize() == 0;
    }

    Original current(String run) {
      return new Original(
          1, run, scaling().minSize(), scaling().desiredSize(), scaling().maxSize(), null, null);
    }

    String key() {
      return "original:nodegroup " + name();
    }

    Nodes nodes(Original original) {
      List<String> types = group.instanceTypes();
      return new Nodes(
          original.desired(),
          types == null || types.isEmpty() ? null : types.get(0),
          "SPOT".equals(group.capacityTypeAsString()));
    }
  }

  /** A self-managed Auto Scaling group as found. */
  private record SelfManaged(AutoScalingGroup group, Optional<Original> tagged) {
    String name() {
      return group.autoScalingGroupName();
    }

    List<String> suspendedNow() {
      List<String> out = new ArrayList<>();
      for (SuspendedProcess p : group.suspendedProcesses()) {
        out.add(p.processName());
      }
      return out;
    }

    List<String> toSuspend() {
      List<String> out = new ArrayList<>(PROCESSES);
      out.removeAll(suspendedNow());
      return out;
    }

    boolean atZero() {
      return group.desiredCapacity() == 0 && group.minSize() == 0 && toSuspend().isEmpty();
    }

    Original current(String run) {
      return new Original(
          1,
          run,
          group.minSize(),
          group.desiredCapacity(),
          group.maxSize(),
          suspendedNow(),
          toSuspend());
    }

    String key() {
      return "original:asg " + name();
    }

    Nodes nodes(Original original) {
      String type =
          group.instances().stream()
              .map(i -> i.instanceType())
              .filter(t -> t != null && !t.isEmpty())
              .findFirst()
              .orElse(null);
      var mixed = group.mixedInstancesPolicy();
      boolean spot =
          mixed != null
              && mixed.instancesDistribution() != null
              && mixed.instancesDistribution().onDemandPercentageAboveBaseCapacity() != null
              && mixed.instancesDistribution().onDemandPercentageAboveBaseCapacity() < 100;
      return new Nodes(original.desired(), type, spot);
    }
  }

  private record Survey(List<Managed> managed, List<SelfManaged> selfManaged) {}

  @Override
  public String name() {
    return "nodegroups.scale";
  }

  @Override
  public String description() {
    return "Scales EKS managed node groups and self-managed Auto Scaling groups to zero, recording"
        + " each original in the ledger and as a tag before changing it, then waits until their"
        + " nodes are gone.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/nodegroups.scale.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("nodegroups", ValueType.ARRAY, "the managed node groups at zero"),
        new OutputSpec("autoScalingGroups", ValueType.ARRAY, "the self-managed groups at zero"));
  }

  private static Survey survey(Params params, ActionContext ctx, Instant until)
      throws ActionFailure, InterruptedException {
    if (params.size() != null && !"zero".equals(params.size())) {
      throw new ActionFailure("size must be zero, not " + params.size(), false);
    }
    String cluster = params.cluster();
    EksClient eks = ctx.client(EksClient.class);
    AutoScalingClient asg = ctx.client(AutoScalingClient.class);
    // Every page is fetched inside the call: the paginator's iterable is lazy.
    List<String> names =
        AwsCalls.call(
            ctx,
            "listing the node groups of " + cluster,
            until,
            () ->
                eks.listNodegroupsPaginator(r -> r.clusterName(cluster)).nodegroups().stream()
                    .toList());
    Set<String> wanted = new LinkedHashSet<>(params.names());
    Set<String> managedAsgs = new LinkedHashSet<>();
    List<Managed> managed = new ArrayList<>();
    for (String name : names) {
      Nodegroup g =
          AwsCalls.call(
              ctx,
              "describing node group " + name,
              until,
              () ->
                  eks.describeNodegroup(r -> r.clusterName(cluster).nodegroupName(name))
                      .nodegroup());
      if (g.resources() != null) {
        g.resources().autoScalingGroups().forEach(a -> managedAsgs.add(a.name()));
      }
      if (params.all() || wanted.remove(name)) {
        managed.add(
            new Managed(
                g,
                NodeGroupSurvey.parse(
                    g.tags() == null ? null : g.tags().get(TAG), "node group " + name)));
      }
    }
    String clusterTag = "kubernetes.io/cluster/" + cluster;
    List<AutoScalingGroup> tagged =
        AwsCalls.call(
            ctx,
            "listing the Auto Scaling groups tagged " + clusterTag,
            until,
            () ->
                asg
                    .describeAutoScalingGroupsPaginator(
                        r -> r.filters(Filter.builder().name("tag-key").values(clusterTag).build()))
                    .autoScalingGroups()
                    .stream()
                    .toList());
    List<SelfManaged> selfManaged = new ArrayList<>();
    for (AutoScalingGroup g : tagged) {
      boolean isManaged =
          managedAsgs.contains(g.autoScalingGroupName())
              || g.tags().stream().anyMatch(t -> MANAGED_ASG_TAG.equals(t.key()));
      if (isManaged) {
        continue;
      }
      if (params.all() || wanted.remove(g.autoScalingGroupName())) {
        String value =
            g.tags().stream()
                .filter(t -> TAG.equals(t.key()))
                .map(TagDescription::value)
                .findFirst()
                .orElse(null);
        selfManaged.add(
            new SelfManaged(
                g, NodeGroupSurvey.parse(value, "Auto Scaling group " + g.autoScalingGroupName())));
      }
    }
    if (!wanted.isEmpty()) {
      throw new ActionFailure(
          "no managed node group or self-managed Auto Scaling group of cluster "
              + cluster
              + " is named "
              + String.join(", ", wanted)
              + "; nothing was changed",
          false);
    }
    return new Survey(managed, selfManaged);
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    Survey s = survey(params, ctx, ctx.clock().instant().plus(params.deadline()));
    List<String> changes = new ArrayList<>();
    for (Managed m : s.managed()) {
      Optional<Original> recorded = recorded(ctx, m.key(), m.tagged());
      if (m.atZero() && m.tagged().isPresent()) {
        changes.add(
            "nodegroup "
                + m.name()
                + ": already at zero (original recorded by run "
                + recorded.orElseThrow().run()
                + ")");
        continue;
      }
      NodegroupScalingConfig c = m.scaling();
      changes.add(
          "nodegroup "
              + m.name()
              + ": min/desired/max "
              + c.minSize()
              + "/"
              + c.desiredSize()
              + "/"
              + c.maxSize()
              + " -> 0/0/"
              + Math.max(1, c.maxSize())
              + kept(recorded));
    }
    for (SelfManaged a : s.selfManaged()) {
      Optional<Original> recorded = recorded(ctx, a.key(), a.tagged());
      if (a.atZero() && a.tagged().isPresent()) {
        changes.add(
            "asg "
                + a.name()
                + ": already at zero (original recorded by run "
                + recorded.orElseThrow().run()
                + ")");
        continue;
      }
      AutoScalingGroup g = a.group();
      String suspend =
          a.toSuspend().isEmpty() ? "" : "suspend " + String.join(", ", a.toSuspend()) + "; ";
      changes.add(
          "asg "
              + a.name()
              + ": "
              + suspend
              + g.minSize()
              + "/"
              + g.desiredCapacity()
              + "/"
              + g.maxSize()
              + " -> 0/0/"
              + g.maxSize()
              + kept(recorded));
    }
    return new Plan(changes, outputs(s));
  }

  private static String kept(Optional<Original> recorded) {
    return recorded
        .map(o -> " (original " + o.sizes() + " kept, recorded by run " + o.run() + ")")
        .orElse("");
  }

  /** The ledger wins over the tag. */
  private static Optional<Original> recorded(
      ActionContext ctx, String key, Optional<Original> tagged) {
    Optional<Original> ledger = ctx.ledger().get(key, Original.class);
    return ledger.isPresent() ? ledger : tagged;
  }

  private static Map<String, Object> outputs(Survey s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodegroups", s.managed().stream().map(Managed::name).toList());
    out.put("autoScalingGroups", s.selfManaged().stream().map(SelfManaged::name).toList());
    return out;
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Instant until = ctx.clock().instant().plus(params.deadline());
    Survey s = survey(params, ctx, until);
    EksClient eks = ctx.client(EksClient.class);
    AutoScalingClient asg = ctx.client(AutoScalingClient.class);
    // Every group's update is started before any is waited for: their nodes drain together.
    Map<String, String> updates = new LinkedHashMap<>();
    for (Managed m : s.managed()) {
      if (m.atZero() && m.tagged().isPresent()) {
        ctx.log("nodegroup " + m.name() + ": already at zero");
      } else {
        updates.put(m.name(), scaleManaged(ctx, eks, params.cluster(), m, until));
      }
    }
    for (SelfManaged a : s.selfManaged()) {
      if (a.atZero() && a.tagged().isPresent()) {
        ctx.log("asg " + a.name() + ": already at zero");
      } else {
        scaleSelfManaged(ctx, asg, a, until);
      }
    }
    NodegroupUpdates.await(ctx, eks, params.cluster(), updates, until);
    awaitGone(ctx, params, s, until);
    return Outputs.of(
        "nodegroups",
        s.managed().stream().map(Managed::name).toList(),
        "autoScalingGroups",
        s.selfManaged().stream().map(SelfManaged::name).toList());
  }

  /** Tags the group with its original sizes, then starts its update to zero; returns its id. */
  private static String scaleManaged(
      ActionContext ctx, EksClient eks, String cluster, Managed m, Instant until)
      throws ActionFailure, InterruptedException {
    Optional<Original> ledger = ctx.ledger().get(m.key(), Original.class);
    Original original = ledger.orElse(m.tagged().orElse(m.current(ctx.runId())));
    if (ledger.isEmpty()) {
      ctx.ledger().put(m.key(), original);
    }
    recordNodes(ctx, NODES + "nodegroup " + m.name(), m.nodes(original));
    if (m.tagged().isEmpty()) {
      String arn = m.group().nodegroupArn();
      AwsCalls.run(
          ctx,
          "tagging node group " + m.name(),
          until,
          () -> eks.tagResource(r -> r.resourceArn(arn).tags(Map.of(TAG, original.json()))));
      ctx.changed();
    }
    int max = Math.max(1, m.scaling().maxSize());
    String id = NodegroupUpdates.start(ctx, eks, cluster, m.name(), 0, 0, max, until);
    ctx.log(
        "nodegroup "
            + m.name()
            + ": "
            + original.sizes()
            + " -> 0/0/"
            + max
            + " (update "
            + id
            + ")");
    return id;
  }

  private static void scaleSelfManaged(
      ActionContext ctx, AutoScalingClient asg, SelfManaged a, Instant until)
      throws ActionFailure, InterruptedException {
    Optional<Original> ledger = ctx.ledger().get(a.key(), Original.class);
    Original original = ledger.orElse(a.tagged().orElse(a.current(ctx.runId())));
    if (ledger.isEmpty()) {
      ctx.ledger().put(a.key(), original);
    }
    recordNodes(ctx, NODES + "asg " + a.name(), a.nodes(original));
    String name = a.name();
    if (a.tagged().isEmpty()) {
      AwsCalls.run(
          ctx,
          "tagging Auto Scaling group " + name,
          until,
          () ->
              asg.createOrUpdateTags(
                  r ->
                      r.tags(
                          t ->
                              t.resourceId(name)
                                  .resourceType("auto-scaling-group")
                                  .key(TAG)
                                  .value(original.json())
                                  .propagateAtLaunch(false))));
      ctx.changed();
    }
    List<String> suspend = a.toSuspend();
    if (!suspend.isEmpty()) {
      AwsCalls.run(
          ctx,
          "suspending " + String.join(", ", suspend) + " of Auto Scaling group " + name,
          until,
          () -> asg.suspendProcesses(r -> r.autoScalingGroupName(name).scalingProcesses(suspend)));
      ctx.changed();
    }
    AwsCalls.run(
        ctx,
        "scaling Auto Scaling group " + name + " to 0",
        until,
        () ->
            asg.updateAutoScalingGroup(
                r -> r.autoScalingGroupName(name).minSize(0).desiredCapacity(0)));
    ctx.changed();
    ctx.log(
        "asg "
            + name
            + ": suspended "
            + (suspend.isEmpty() ? "nothing" : String.join(", ", suspend))
            + "; "
            + original.sizes()
            + " -> 0/0/"
            + a.group().maxSize());
  }

  /** Waits until no node of the managed groups and no instance of the self-managed ones is left. */
  private static void awaitGone(ActionContext ctx, Params params, Survey s, Instant until)
      throws ActionFailure, InterruptedException {
    CoreV1Api core = s.managed().isEmpty() ? null : new CoreV1Api(ctx.client(ApiClient.class));
    AutoScalingClient asg = ctx.client(AutoScalingClient.class);
    while (true) {
      List<String> left = new ArrayList<>();
      for (Managed m : s.managed()) {
        List<V1Node> nodes =
            KubeCalls.call(
                    ctx,
                    "listing the nodes of node group " + m.name(),
                    () -> core.listNode().labelSelector(NODEGROUP_LABEL + "=" + m.name()).execute())
                .getItems();
        if (!nodes.isEmpty()) {
          left.add("nodegroup " + m.name() + ": " + nodes.size() + " nodes");
        }
      }
      List<String> asgNames = s.selfManaged().stream().map(SelfManaged::name).toList();
      if (!asgNames.isEmpty()) {
        List<AutoScalingGroup> now =
            AwsCalls.call(
                ctx,
                "describing Auto Scaling groups " + String.join(", ", asgNames),
                until,
                () ->
                    asg.describeAutoScalingGroups(r -> r.autoScalingGroupNames(asgNames))
                        .autoScalingGroups());
        for (AutoScalingGroup g : now) {
          if (!g.instances().isEmpty()) {
            left.add(
                "asg " + g.autoScalingGroupName() + ": " + g.instances().size() + " instances");
          }
        }
      }
      if (left.isEmpty()) {
        return;
      }
      if (!ctx.clock().instant().isBefore(until)) {
        throw new ActionFailure(
            "still present after "
                + Durations.format(params.deadline())
                + ": "
                + String.join(", ", left)
                + " (scale-in protection, or a suspended Terminate process?); raise nodeDeadline",
            true);
      }
      ctx.progress("waiting for nodes to go: " + String.join(", ", left));
      ctx.sleeper().sleep(POLL);
    }
  }
}
