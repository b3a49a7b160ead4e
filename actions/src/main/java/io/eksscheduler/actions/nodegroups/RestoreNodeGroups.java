package io.eksscheduler.actions.nodegroups;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.Group;
import io.eksscheduler.actions.nodegroups.RestoreDecision.Target;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.actions.workloads.CriticalPods;
import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.Poll;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1PersistentVolume;
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
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Wakes the node groups a stop scaled to zero: each group back to its recorded min/desired/max and
 * Auto Scaling processes, from this run's ledger or, without it (another machine, another run),
 * from the tag {@code eks-scheduler.io/original} the stop wrote; then the tag is removed. An
 * optional floor on the total of nodes ({@code minNodes}, raised by the bootstrap check's {@code
 * recommended}) is placed so that every zone holding a volume is served, capped at each group's
 * maxSize. Waits until the nodes are Ready.
 */
public final class RestoreNodeGroups implements Action<RestoreNodeGroups.Params> {

  /**
   * The parameters of {@code nodegroups.restore}.
   *
   * @param cluster the EKS cluster's name
   * @param nodegroups {@code all} (default) or a list of group names
   * @param minNodes a floor on the total of nodes (default: none, the recorded sizes exactly)
   * @param recommended the bootstrap check's count, which may raise the floor, never lower it
   * @param nodeDeadline how long updates and Ready nodes are waited for (default 20m)
   */
  public record Params(
      String cluster,
      JsonNode nodegroups,
      Integer minNodes,
      Integer recommended,
      @AbsentIfUnparsable Duration nodeDeadline) {

    Duration deadline() {
      return nodeDeadline == null ? Duration.ofMinutes(20) : nodeDeadline;
    }

    int floor() {
      return Math.max(
          minNodes == null ? 0 : minNodes,
          minNodes == null || recommended == null ? 0 : recommended);
    }

    boolean wanted(String name) {
      if (nodegroups == null || nodegroups.isNull() || "all".equals(nodegroups.asText(null))) {
        return true;
      }
      for (JsonNode n : nodegroups) {
        if (name.equals(n.asText())) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public String name() {
    return "nodegroups.restore";
  }

  @Override
  public String description() {
    return "Restores the node groups a stop scaled to zero to their recorded min/desired/max and"
        + " Auto Scaling processes (from the ledger or the tags), with an optional floor on the"
        + " total of nodes, then waits for Ready nodes.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/nodegroups.restore.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("nodegroups", ValueType.ARRAY, "the groups restored, with their sizes"),
        new OutputSpec("nodes", ValueType.NUMBER, "the total desired nodes after the restore"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    Instant until = ctx.clock().instant().plus(params.deadline());
    RestoreDecision d = decide(params, ctx, NodeGroupSurvey.take(ctx, params.cluster(), until));
    List<String> lines = new ArrayList<>(d.notes());
    List<String> kept = new ArrayList<>();
    for (Target t : d.targets()) {
      if (t.done()) {
        kept.add(t.group().id() + ": already restored, kept");
      } else {
        lines.add(t.change());
      }
    }
    return new Plan(lines, outputs(d).values()).withUnchanged(kept);
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Instant until = ctx.clock().instant().plus(params.deadline());
    RestoreDecision d = decide(params, ctx, NodeGroupSurvey.take(ctx, params.cluster(), until));
    // Every original is in the ledger before the first change.
    for (Target t : d.targets()) {
      if (t.record()) {
        ctx.ledger().put(t.group().ledgerKey(), t.original());
      }
    }
    d.notes().forEach(ctx::log);
    EksClient eks = ctx.client(EksClient.class);
    AutoScalingClient autoScaling = ctx.client(AutoScalingClient.class);
    // Every group's update is started before any is waited for: their instances launch together.
    Map<String, String> updates = new LinkedHashMap<>();
    for (Target t : d.targets()) {
      if (t.done()) {
        continue;
      }
      if (t.group().managed()) {
        startManaged(ctx, eks, params.cluster(), t, until)
            .ifPresent(id -> updates.put(t.group().name(), id));
      } else {
        restoreSelfManaged(ctx, autoScaling, t, until);
        ctx.log(t.change());
      }
    }
    NodegroupUpdates.await(ctx, eks, params.cluster(), updates, until);
    for (Target t : d.targets()) {
      if (!t.done() && t.group().managed()) {
        untagManaged(ctx, eks, t, until);
        ctx.log(t.change());
      }
    }
    awaitReady(ctx, params, d.targets(), until);
    return outputs(d);
  }

  private static Outputs outputs(RestoreDecision d) {
    List<String> restored = new ArrayList<>();
    int nodes = 0;
    for (Target t : d.targets()) {
      restored.add(
          t.group().id() + " " + t.original().min() + "/" + t.desired() + "/" + t.original().max());
      nodes += t.desired();
    }
    return Outputs.of("nodegroups", restored, "nodes", nodes);
  }

  /**
   * Reads what the decision needs: the ledgered originals of the wanted groups, the volume zones.
   */
  private static RestoreDecision decide(Params params, ActionContext ctx, List<Group> groups)
      throws ActionFailure, InterruptedException {
    Map<String, GroupOriginal> ledgered = new LinkedHashMap<>();
    for (Group g : groups) {
      if (params.wanted(g.name())) {
        ctx.ledger()
            .get(g.ledgerKey(), GroupOriginal.class)
            .ifPresent(o -> ledgered.put(g.name(), o));
      }
    }
    return RestoreDecision.decide(params, groups, ledgered, volumeZones(ctx));
  }

  /** The zones of the persistent volumes bound to a claim. */
  private static Set<String> volumeZones(ActionContext ctx)
      throws ActionFailure, InterruptedException {
    CoreV1Api core = new CoreV1Api(ctx.client(ApiClient.class));
    List<V1PersistentVolume> volumes =
        KubeCalls.call(
                ctx, "listing persistent volumes", () -> core.listPersistentVolume().execute())
            .getItems();
    Set<String> zones = new LinkedHashSet<>();
    for (V1PersistentVolume pv : volumes) {
      if (pv.getSpec() != null && pv.getSpec().getClaimRef() != null) {
        CriticalPods.zoneOf(pv).ifPresent(zones::add);
      }
    }
    return zones;
  }

  /** Starts the update of a managed group to its sizes, unless it has them; returns its id. */
  private static Optional<String> startManaged(
      ActionContext ctx, EksClient eks, String cluster, Target t, Instant until)
      throws ActionFailure, InterruptedException {
    Group g = t.group();
    GroupOriginal o = t.original();
    if (g.min() == o.min() && g.desired() == t.desired() && g.max() == o.max()) {
      return Optional.empty();
    }
    return Optional.of(
        NodegroupUpdates.start(ctx, eks, cluster, g.name(), o.min(), t.desired(), o.max(), until));
  }

  /** Removes the stop's tag once the group's update succeeded. */
  private static void untagManaged(ActionContext ctx, EksClient eks, Target t, Instant until)
      throws ActionFailure, InterruptedException {
    Group g = t.group();
    if (g.tagged().isPresent()) {
      AwsCalls.run(
          ctx,
          "removing tag " + ScaleNodeGroups.TAG + " from node group " + g.name(),
          until,
          () -> eks.untagResource(r -> r.resourceArn(g.arn()).tagKeys(ScaleNodeGroups.TAG)));
      ctx.changed();
    }
  }

  private static void restoreSelfManaged(
      ActionContext ctx, AutoScalingClient asg, Target t, Instant until)
      throws ActionFailure, InterruptedException {
    Group g = t.group();
    GroupOriginal o = t.original();
    if (g.min() != o.min() || g.desired() != t.desired() || g.max() != o.max()) {
      AutoScalingCalls.setSizes(ctx, asg, g.name(), o.min(), t.desired(), o.max(), until);
      ctx.changed();
    }
    List<String> resume = t.toResume();
    if (!resume.isEmpty()) {
      AwsCalls.run(
          ctx,
          "resuming " + String.join(", ", resume) + " on Auto Scaling group " + g.name(),
          until,
          () ->
              asg.resumeProcesses(r -> r.autoScalingGroupName(g.name()).scalingProcesses(resume)));
      ctx.changed();
    }
    if (g.tagged().isPresent()) {
      AwsCalls.run(
          ctx,
          "removing tag " + ScaleNodeGroups.TAG + " from Auto Scaling group " + g.name(),
          until,
          () ->
              asg.deleteTags(
                  r ->
                      r.tags(
                          tag ->
                              tag.resourceId(g.name())
                                  .resourceType("auto-scaling-group")
                                  .key(ScaleNodeGroups.TAG))));
      ctx.changed();
    }
  }

  private static boolean ready(V1Node node) {
    return node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Waits until each group has as many Ready nodes as it desires, its nodes known by label or by
   * instance (see {@link GroupNodes}).
   */
  private static void awaitReady(
      ActionContext ctx, Params params, List<Target> targets, Instant until)
      throws ActionFailure, InterruptedException {
    CoreV1Api core = new CoreV1Api(ctx.client(ApiClient.class));
    AutoScalingClient autoScaling = ctx.client(AutoScalingClient.class);
    List<String> managed = new ArrayList<>();
    List<String> selfManaged = new ArrayList<>();
    targets.forEach(t -> (t.group().managed() ? managed : selfManaged).add(t.group().name()));
    Map<String, List<String>> groups =
        GroupNodes.autoScalingGroups(
            ctx, ctx.client(EksClient.class), params.cluster(), managed, selfManaged, until);
    AwsCalls.poll(ctx, until)
        .until(
            () -> {
              List<String> missing = missing(ctx, core, autoScaling, groups, targets, until);
              return missing.isEmpty()
                  ? Poll.Round.<Void, List<String>>ready(null)
                  : Poll.Round.<Void, List<String>>waiting(missing);
            },
            missing -> "waiting for Ready nodes: " + String.join(", ", missing),
            missing ->
                new ActionFailure(
                    "nodes not Ready after "
                        + Durations.format(params.deadline())
                        + ": "
                        + String.join(", ", missing),
                    true));
  }

  /** The groups with fewer Ready nodes than they desire, each with its count. */
  private static List<String> missing(
      ActionContext ctx,
      CoreV1Api core,
      AutoScalingClient autoScaling,
      Map<String, List<String>> groups,
      List<Target> targets,
      Instant until)
      throws ActionFailure, InterruptedException {
    List<V1Node> nodes =
        KubeCalls.call(ctx, "listing nodes", () -> core.listNode().execute()).getItems();
    GroupNodes.Members members = GroupNodes.members(ctx, autoScaling, groups, until);
    List<String> missing = new ArrayList<>();
    for (Target t : targets) {
      Group g = t.group();
      long ready =
          members.nodes(g.id(), g.managed() ? g.name() : null, nodes).stream()
              .filter(RestoreNodeGroups::ready)
              .count();
      if (ready < t.desired()) {
        missing.add(g.id() + ": " + ready + "/" + t.desired() + " Ready");
      }
    }
    return missing;
  }
}
