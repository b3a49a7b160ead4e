package io.eksscheduler.actions.cluster;

import io.eksscheduler.actions.nodegroups.BusyGroups;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.Poll;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * The preflight's wait for EKS to be idle: no update, creation or deletion of the cluster or of a
 * node group in progress ({@link BusyGroups} decides), before a run changes anything.
 */
final class IdleGroups {
  private static final Duration BUSY_POLL = Duration.ofSeconds(10);

  private IdleGroups() {}

  /** The cluster as EKS describes it; refuses one that does not exist. */
  static Cluster describe(ActionContext ctx, String name)
      throws ActionFailure, InterruptedException {
    EksClient eks = ctx.client(EksClient.class);
    try {
      return ClusterVerify.aws(
              ctx, "describing EKS cluster " + name, () -> eks.describeCluster(r -> r.name(name)))
          .cluster();
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ResourceNotFoundException) {
        throw new ActionFailure(
            "EKS cluster "
                + name
                + " does not exist in this account and region (check --region or AWS_REGION);"
                + " nothing was changed",
            false);
      }
      throw e;
    }
  }

  /**
   * The cluster's node groups once EKS is busy with none of them nor with the cluster: refuses a
   * group that failed to be created or deleted; refuses a busy one under policy refuse; waits, up
   * to busyTimeout, under policy wait (a dry-run says it would).
   */
  static List<NodeGroupSurvey.Group> await(
      ClusterVerify.Params params,
      ActionContext ctx,
      Cluster cluster,
      boolean mayWait,
      List<String> lines)
      throws ActionFailure, InterruptedException {
    String name = params.cluster();
    Snapshot now = snapshot(ctx, name, cluster);
    refuseBroken(now.verdict());
    if (!now.verdict().busy().isEmpty()) {
      String busy = String.join(", ", now.verdict().busy());
      if (params.busyPolicy() == BusyGroups.Policy.REFUSE) {
        throw new ActionFailure(
            "EKS is busy: "
                + busy
                + "; nothing was changed. Run again once it is done, or set busyNodegroups: wait"
                + " on this step",
            false);
      }
      if (!mayWait) {
        lines.add("would wait up to " + Durations.format(params.busyWait()) + " for EKS: " + busy);
      } else {
        ctx.log("EKS is busy: " + busy + "; waiting up to " + Durations.format(params.busyWait()));
        now =
            Poll.within(ctx, params.busyWait(), BUSY_POLL)
                .until(
                    () -> {
                      Snapshot s = snapshot(ctx, name, describe(ctx, name));
                      refuseBroken(s.verdict());
                      return s.verdict().busy().isEmpty()
                          ? Poll.Round.<Snapshot, List<String>>ready(s)
                          : Poll.Round.<Snapshot, List<String>>waiting(s.verdict().busy());
                    },
                    left -> "EKS is busy: " + String.join(", ", left),
                    left ->
                        new ActionFailure(
                            "EKS is still busy after "
                                + Durations.format(params.busyWait())
                                + ": "
                                + String.join(", ", left)
                                + "; nothing was changed. Raise busyTimeout, or run again once it"
                                + " is done",
                            false));
        lines.add("EKS is done with: " + busy);
      }
    }
    BusyGroups.Verdict verdict = now.verdict();
    verdict
        .degraded()
        .forEach(
            d ->
                lines.add(
                    "proceeding: "
                        + d
                        + " (a health state, not an update: EKS still accepts scaling it)"));
    return now.groups();
  }

  /** The groups as read now, and what EKS is busy with among them and the cluster. */
  private record Snapshot(List<NodeGroupSurvey.Group> groups, BusyGroups.Verdict verdict) {}

  private static Snapshot snapshot(ActionContext ctx, String name, Cluster cluster)
      throws ActionFailure, InterruptedException {
    List<NodeGroupSurvey.Group> groups =
        NodeGroupSurvey.take(ctx, name, ctx.clock().instant().plus(ClusterVerify.AWS_PATIENCE));
    return new Snapshot(groups, BusyGroups.judge(name, cluster.statusAsString(), groups));
  }

  private static void refuseBroken(BusyGroups.Verdict verdict) throws ActionFailure {
    if (!verdict.broken().isEmpty()) {
      throw new ActionFailure(
          "refusing: "
              + String.join(", ", verdict.broken())
              + "; fix or delete it in EKS first. Nothing was changed",
          false);
    }
  }
}
