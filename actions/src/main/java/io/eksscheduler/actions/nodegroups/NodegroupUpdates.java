package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ErrorDetail;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.Update;

/**
 * Sets managed node groups' scaling configs and waits for the updates to succeed, as EKS requires:
 * one update at a time per node group (an update already in progress is waited out), and an update
 * is done only once DescribeUpdate says Successful. The updates of several groups are started first
 * and then followed together, so that their instances launch or drain at the same time.
 */
final class NodegroupUpdates {
  private static final Duration POLL = Duration.ofSeconds(1);

  private NodegroupUpdates() {}

  /** Starts the update and returns its id, waiting out an update already in progress. */
  static String start(
      ActionContext ctx,
      EksClient eks,
      String cluster,
      String name,
      int min,
      int desired,
      int max,
      Instant until)
      throws ActionFailure, InterruptedException {
    String sizes = min + "/" + desired + "/" + max;
    Update update = null;
    while (update == null) {
      try {
        update =
            AwsCalls.call(
                ctx,
                "scaling node group " + name + " to " + sizes,
                until,
                () ->
                    eks.updateNodegroupConfig(
                            r ->
                                r.clusterName(cluster)
                                    .nodegroupName(name)
                                    .scalingConfig(
                                        c -> c.minSize(min).desiredSize(desired).maxSize(max)))
                        .update());
      } catch (ActionFailure e) {
        if (!(e.getCause() instanceof ResourceInUseException)) {
          throw e;
        }
        if (!ctx.clock().instant().isBefore(until)) {
          throw new ActionFailure(
              "node group " + name + " still has an update in progress at the deadline",
              true,
              e.getCause());
        }
        ctx.progress("node group " + name + " has an update in progress; waiting");
        ctx.sleeper().sleep(POLL);
      }
    }
    ctx.changed();
    return update.id();
  }

  /**
   * Follows updates (update id by node group name) until each succeeded; fails naming the first
   * that failed or was cancelled, or, at the deadline, those still in progress.
   */
  static void await(
      ActionContext ctx, EksClient eks, String cluster, Map<String, String> updates, Instant until)
      throws ActionFailure, InterruptedException {
    Map<String, String> pending = new LinkedHashMap<>(updates);
    while (!pending.isEmpty()) {
      List<String> progress = new ArrayList<>();
      for (Map.Entry<String, String> e : List.copyOf(pending.entrySet())) {
        String status = status(eks, ctx, cluster, e.getKey(), e.getValue(), until);
        if ("Successful".equals(status)) {
          pending.remove(e.getKey());
        } else {
          progress.add("update " + e.getValue() + " of node group " + e.getKey() + ": " + status);
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      if (!ctx.clock().instant().isBefore(until)) {
        throw new ActionFailure("not done at the deadline: " + String.join(", ", progress), true);
      }
      ctx.progress(String.join(", ", progress));
      ctx.sleeper().sleep(POLL);
    }
  }

  /** The update's status; fails if it failed or was cancelled, with EKS's errors. */
  private static String status(
      EksClient eks, ActionContext ctx, String cluster, String name, String id, Instant until)
      throws ActionFailure, InterruptedException {
    Update now =
        AwsCalls.call(
            ctx,
            "describing update " + id + " of node group " + name,
            until,
            () ->
                eks.describeUpdate(r -> r.name(cluster).nodegroupName(name).updateId(id)).update());
    String status = now.statusAsString();
    if ("Failed".equals(status) || "Cancelled".equals(status)) {
      List<String> errors = new ArrayList<>();
      for (ErrorDetail d : now.errors()) {
        errors.add(d.errorCodeAsString() + ": " + d.errorMessage());
      }
      throw new ActionFailure(
          "update "
              + id
              + " of node group "
              + name
              + " "
              + status
              + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)),
          false);
    }
    return status;
  }
}
