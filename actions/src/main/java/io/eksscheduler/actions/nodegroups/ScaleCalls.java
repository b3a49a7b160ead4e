package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Names;
import io.eksscheduler.actions.kube.NodePods;
import io.eksscheduler.actions.nodegroups.ScaleDecision.Target;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.Nodes;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.Poll;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * The calls a stop of node groups makes, group by group as {@link ScaleDecision} says: the original
 * into the ledger first, then the tag, then the change; and the wait for the groups' nodes to go.
 */
final class ScaleCalls {

  private static final int HOLDERS_SHOWN = 3;

  private ScaleCalls() {}

  /**
   * Records what a group ran unless a first attempt did, then its original unless the ledger has
   * it.
   */
  private static void record(ActionContext ctx, Target t) {
    if (t.record()) {
      ctx.ledger().put(t.group().ledgerKey(), t.original());
    }
    String key = t.group().nodesKey();
    if (ctx.ledger().get(key, Nodes.class).isEmpty()) {
      ctx.ledger().put(key, t.group().nodes(t.original()));
    }
  }

  /** Tags the group with its original sizes, then starts its update to zero; returns its id. */
  static String scaleManaged(
      ActionContext ctx, EksClient eks, String cluster, Target t, Instant until)
      throws ActionFailure, InterruptedException {
    record(ctx, t);
    String name = t.group().name();
    GroupOriginal original = t.original();
    if (t.tag()) {
      String arn = t.group().arn();
      AwsCalls.run(
          ctx,
          "tagging node group " + name,
          until,
          () ->
              eks.tagResource(
                  r -> r.resourceArn(arn).tags(Map.of(ScaleNodeGroups.TAG, original.tagValue()))));
      ctx.changed();
    }
    int max = t.max();
    String id = NodegroupUpdates.start(ctx, eks, cluster, name, 0, 0, max, until);
    ctx.log(
        "nodegroup " + name + ": " + original.sizes() + " -> 0/0/" + max + " (update " + id + ")");
    return id;
  }

  /** Tags the group with its original, suspends its processes, then scales it to zero. */
  static void scaleSelfManaged(ActionContext ctx, AutoScalingClient asg, Target t, Instant until)
      throws ActionFailure, InterruptedException {
    record(ctx, t);
    String name = t.group().name();
    GroupOriginal original = t.original();
    if (t.tag()) {
      AwsCalls.run(
          ctx,
          "tagging Auto Scaling group " + name,
          until,
          () ->
              asg.createOrUpdateTags(
                  r ->
                      r.tags(
                          tag ->
                              tag.resourceId(name)
                                  .resourceType("auto-scaling-group")
                                  .key(ScaleNodeGroups.TAG)
                                  .value(original.tagValue())
                                  .propagateAtLaunch(false))));
      ctx.changed();
    }
    List<String> suspend = t.group().toSuspend();
    if (!suspend.isEmpty()) {
      AwsCalls.run(
          ctx,
          "suspending " + String.join(", ", suspend) + " of Auto Scaling group " + name,
          until,
          () -> asg.suspendProcesses(r -> r.autoScalingGroupName(name).scalingProcesses(suspend)));
      ctx.changed();
    }
    AutoScalingCalls.setSizes(ctx, asg, name, 0, 0, null, until);
    ctx.changed();
    ctx.log(
        "asg "
            + name
            + ": suspended "
            + (suspend.isEmpty() ? "nothing" : String.join(", ", suspend))
            + "; "
            + original.sizes()
            + " -> 0/0/"
            + t.max());
  }

  /**
   * Waits until no group has a node (by label or instance, see {@link GroupNodes}) or an instance
   * left, saying per group how many nodes remain.
   */
  static void awaitGone(
      ActionContext ctx, String cluster, ScaleDecision d, Duration deadline, Instant until)
      throws ActionFailure, InterruptedException {
    List<String> managed = d.managedNames();
    List<String> selfManaged = d.selfManagedNames();
    CoreV1Api core = new CoreV1Api(ctx.client(ApiClient.class));
    AutoScalingClient asg = ctx.client(AutoScalingClient.class);
    Map<String, List<String>> groups =
        GroupNodes.autoScalingGroups(
            ctx, ctx.client(EksClient.class), cluster, managed, selfManaged, until);
    AwsCalls.poll(ctx, until)
        .until(
            () -> {
              List<String> left = left(ctx, core, asg, groups, managed, until);
              return left.isEmpty()
                  ? Poll.Round.<Void, List<String>>ready(null)
                  : Poll.Round.<Void, List<String>>waiting(left);
            },
            left -> "waiting for nodes to go: " + String.join(", ", left),
            left ->
                new ActionFailure(
                    "still present after "
                        + Durations.format(deadline)
                        + ": "
                        + String.join(", ", left)
                        + " (scale-in protection, or a suspended Terminate process?); raise"
                        + " nodeDeadline",
                    true));
  }

  /** The groups with nodes or instances left, each with how many. */
  private static List<String> left(
      ActionContext ctx,
      CoreV1Api core,
      AutoScalingClient asg,
      Map<String, List<String>> groups,
      List<String> managed,
      Instant until)
      throws ActionFailure, InterruptedException {
    List<V1Node> nodes =
        KubeCalls.call(ctx, "listing nodes", () -> core.listNode().execute()).getItems();
    GroupNodes.Members members = GroupNodes.members(ctx, asg, groups, until);
    List<String> left = new ArrayList<>();
    for (String id : groups.keySet()) {
      String name =
          managed.stream()
              .filter(n -> NodeGroupSurvey.id(true, n).equals(id))
              .findFirst()
              .orElse(null);
      List<V1Node> own = members.nodes(id, name, nodes);
      int count = Math.max(own.size(), members.instanceCount(id));
      if (count > 0) {
        left.add(
            id + ": " + count + (name != null ? " nodes" : " instances") + holding(ctx, core, own));
      }
    }
    return left;
  }

  /**
   * The pods that hold {@code nodes} (not those that go with their node, {@link NodePods}), at most
   * {@value #HOLDERS_SHOWN}, as {@code " (pods on them: ns/a, ns/b)"}; empty when none. Only the
   * first {@value #HOLDERS_SHOWN} nodes are looked at, so that a poll of a large group costs a few
   * calls, not one per node.
   */
  private static String holding(ActionContext ctx, CoreV1Api core, List<V1Node> nodes)
      throws ActionFailure, InterruptedException {
    List<String> holders = new ArrayList<>();
    for (V1Node n : nodes.subList(0, Math.min(nodes.size(), HOLDERS_SHOWN))) {
      if (holders.size() >= HOLDERS_SHOWN) {
        break;
      }
      String node = n.getMetadata().getName();
      for (V1Pod p :
          KubeCalls.call(
                  ctx,
                  "listing pods on " + node,
                  () ->
                      core.listPodForAllNamespaces()
                          .fieldSelector("spec.nodeName=" + node)
                          .execute())
              .getItems()) {
        if (!NodePods.goesWithNode(p) && holders.size() < HOLDERS_SHOWN) {
          holders.add(Names.of(p.getMetadata()));
        }
      }
    }
    return holders.isEmpty() ? "" : " (pods on them: " + String.join(", ", holders) + ")";
  }
}
