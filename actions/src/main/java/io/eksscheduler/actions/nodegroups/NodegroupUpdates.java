package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ErrorDetail;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.Update;

/**
 * Sets managed node groups' scaling configs and waits for the updates to succeed, as EKS requires:
 * one update at a time per node group (a group EKS is busy with is waited for, then sent the update
 * once more), and an update is done only once DescribeUpdate says Successful. Reads poll every
 * second for a minute, then every 5 s. The updates of several groups are started first and then
 * followed together, so that their instances launch or drain at the same time.
 *
 * <p>Each update carries a {@code clientRequestToken} recorded in the step's ledger before the
 * first call ({@link Request}) and sent again on every retry, a resume's included: when an answer
 * is lost (a 500 after the change, a timeout), EKS answers the update the first call started
 * instead of starting a second one ("Unique, case-sensitive identifier that you provide to ensure
 * the idempotency of the request", UpdateNodegroupConfig in the EKS API reference).
 */
final class NodegroupUpdates {

  private NodegroupUpdates() {}

  /**
   * An update as recorded before it is asked for: its request token and the sizes it is for.
   *
   * @param token the {@code clientRequestToken} every attempt sends
   * @param min the minimum size asked for
   * @param desired the desired size asked for
   * @param max the maximum size asked for
   */
  record Request(String token, int min, int desired, int max) {}

  /** The ledger key of a managed group's update: {@code update:nodegroup general}. */
  static String ledgerKey(String name) {
    return "update:" + NodeGroupSurvey.id(true, name);
  }

  /**
   * The request to send for sizes {@code min/desired/max}: the recorded one when it is for these
   * sizes (a retry, a resume), else a new one with {@code freshToken}.
   */
  static Request request(
      Optional<Request> recorded, int min, int desired, int max, String freshToken) {
    return recorded
        .filter(r -> r.min() == min && r.desired() == desired && r.max() == max)
        .orElseGet(() -> new Request(freshToken, min, desired, max));
  }

  /** The request for these sizes, recorded in the ledger before it is returned when it is new. */
  private static Request recorded(ActionContext ctx, String name, int min, int desired, int max) {
    String key = ledgerKey(name);
    Optional<Request> before = ctx.ledger().get(key, Request.class);
    Request r = request(before, min, desired, max, UUID.randomUUID().toString());
    if (before.isEmpty() || !before.get().equals(r)) {
      ctx.ledger().put(key, r);
    }
    return r;
  }

  /**
   * Starts the update and returns its id. A group EKS is busy with (ResourceInUseException: an
   * update of someone else's started since the preflight) is waited for by reading its status, not
   * by sending the update again: once it is ACTIVE the update is sent once more, and a second
   * refusal fails the step (resumably).
   */
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
    Request request = recorded(ctx, name, min, desired, max);
    Poll.Round<Update, ActionFailure> first = attempt(ctx, eks, cluster, name, request, until);
    Update update;
    if (first.isReady()) {
      update = first.value();
    } else {
      awaitActive(ctx, eks, cluster, name, until);
      Poll.Round<Update, ActionFailure> second = attempt(ctx, eks, cluster, name, request, until);
      if (!second.isReady()) {
        throw new ActionFailure(
            "node group "
                + name
                + ": EKS refused the update again after the group was ACTIVE ("
                + second.left().getMessage()
                + ")",
            true,
            second.left().getCause());
      }
      update = second.value();
    }
    ctx.changed();
    return update.id();
  }

  /** Waits until EKS reports node group {@code name} ACTIVE (or DEGRADED) again. */
  private static void awaitActive(
      ActionContext ctx, EksClient eks, String cluster, String name, Instant until)
      throws ActionFailure, InterruptedException {
    AwsCalls.poll(ctx, until)
        .until(
            () -> {
              String status =
                  NodeGroupSurvey.describe(ctx, eks, cluster, name, until).statusAsString();
              return "ACTIVE".equals(status) || "DEGRADED".equals(status)
                  ? Poll.Round.<Void, String>ready(null)
                  : Poll.Round.<Void, String>waiting(status);
            },
            status -> "node group " + name + " is " + status + " (EKS is busy with it); waiting",
            status ->
                new ActionFailure(
                    "node group " + name + " is still " + status + " at the deadline", true));
  }

  /** One try at starting the update: it, or the failure saying another is in progress. */
  private static Poll.Round<Update, ActionFailure> attempt(
      ActionContext ctx, EksClient eks, String cluster, String name, Request request, Instant until)
      throws ActionFailure, InterruptedException {
    String sizes = request.min() + "/" + request.desired() + "/" + request.max();
    try {
      return Poll.Round.ready(
          AwsCalls.call(
              ctx,
              "scaling node group " + name + " to " + sizes,
              until,
              () ->
                  eks.updateNodegroupConfig(
                          r ->
                              r.clusterName(cluster)
                                  .nodegroupName(name)
                                  .clientRequestToken(request.token())
                                  .scalingConfig(
                                      c ->
                                          c.minSize(request.min())
                                              .desiredSize(request.desired())
                                              .maxSize(request.max())))
                      .update()));
    } catch (ActionFailure e) {
      if (!(e.getCause() instanceof ResourceInUseException)) {
        throw e;
      }
      return Poll.Round.waiting(e);
    }
  }

  /**
   * Follows updates (update id by node group name) until each succeeded; fails naming the first
   * that failed or was cancelled, or, at the deadline, those still in progress.
   */
  static void await(
      ActionContext ctx, EksClient eks, String cluster, Map<String, String> updates, Instant until)
      throws ActionFailure, InterruptedException {
    Map<String, String> pending = new LinkedHashMap<>(updates);
    AwsCalls.poll(ctx, until)
        .until(
            () -> {
              List<String> progress = new ArrayList<>();
              for (Map.Entry<String, String> e : List.copyOf(pending.entrySet())) {
                String status = status(eks, ctx, cluster, e.getKey(), e.getValue(), until);
                if ("Successful".equals(status)) {
                  pending.remove(e.getKey());
                } else {
                  progress.add(
                      "update " + e.getValue() + " of node group " + e.getKey() + ": " + status);
                }
              }
              return pending.isEmpty()
                  ? Poll.Round.<Void, List<String>>ready(null)
                  : Poll.Round.<Void, List<String>>waiting(progress);
            },
            progress -> String.join(", ", progress),
            progress ->
                new ActionFailure(
                    "not done at the deadline: " + String.join(", ", progress), true));
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
