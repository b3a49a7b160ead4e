package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.actions.kube.KubeCalls;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * The calls a stop of node groups makes, group by group as {@link ScaleDecision} says: the original
 * into the ledger first, then the tag, then the change; and the wait for the groups' nodes to go.
 */
final class ScaleCalls {
  private static final Duration POLL = Duration.ofSeconds(1);

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

  /** Waits until no node of the managed groups and no instance of the self-managed ones is left. */
  static void awaitGone(ActionContext ctx, ScaleDecision d, Duration deadline, Instant until)
      throws ActionFailure, InterruptedException {
    List<String> managed = d.managedNames();
    List<String> selfManaged = d.selfManagedNames();
    CoreV1Api core = managed.isEmpty() ? null : new CoreV1Api(ctx.client(ApiClient.class));
    AutoScalingClient asg = ctx.client(AutoScalingClient.class);
    Poll.before(ctx, until, POLL)
        .until(
            () -> {
              List<String> left = left(ctx, core, asg, managed, selfManaged, until);
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
      List<String> managed,
      List<String> selfManaged,
      Instant until)
      throws ActionFailure, InterruptedException {
    List<String> left = new ArrayList<>();
    for (String name : managed) {
      List<V1Node> nodes =
          KubeCalls.call(
                  ctx,
                  "listing the nodes of node group " + name,
                  () ->
                      core.listNode()
                          .labelSelector(ScaleNodeGroups.NODEGROUP_LABEL + "=" + name)
                          .execute())
              .getItems();
      if (!nodes.isEmpty()) {
        left.add("nodegroup " + name + ": " + nodes.size() + " nodes");
      }
    }
    if (!selfManaged.isEmpty()) {
      List<AutoScalingGroup> now =
          AutoScalingCalls.describe(
              ctx,
              asg,
              selfManaged,
              "describing Auto Scaling groups " + String.join(", ", selfManaged),
              until);
      for (AutoScalingGroup g : now) {
        if (!g.instances().isEmpty()) {
          left.add("asg " + g.autoScalingGroupName() + ": " + g.instances().size() + " instances");
        }
      }
    }
    return left;
  }
}
