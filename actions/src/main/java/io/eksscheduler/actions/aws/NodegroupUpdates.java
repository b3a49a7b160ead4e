package io.eksscheduler.actions.aws;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ErrorDetail;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.Update;

/**
 * Sets a managed node group's scaling config and waits for the update to succeed, as EKS requires:
 * one update at a time per node group (an update already in progress is waited out), and an update
 * is done only once DescribeUpdate says Successful.
 */
final class NodegroupUpdates {
  private static final Duration POLL = Duration.ofSeconds(1);

  private NodegroupUpdates() {}

  /** Returns the update's id once it succeeded; fails naming the update otherwise. */
  static String scale(
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
    String id = update.id();
    while (true) {
      Update now =
          AwsCalls.call(
              ctx,
              "describing update " + id + " of node group " + name,
              until,
              () ->
                  eks.describeUpdate(r -> r.name(cluster).nodegroupName(name).updateId(id))
                      .update());
      String status = now.statusAsString();
      if ("Successful".equals(status)) {
        return id;
      }
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
      if (!ctx.clock().instant().isBefore(until)) {
        throw new ActionFailure(
            "update " + id + " of node group " + name + " still " + status + " at the deadline",
            true);
      }
      ctx.progress("update " + id + " of node group " + name + ": " + status);
      ctx.sleeper().sleep(POLL);
    }
  }
}
