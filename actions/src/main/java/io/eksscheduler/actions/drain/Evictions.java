package io.eksscheduler.actions.drain;

import io.eksscheduler.actions.drain.DrainPlan.Eviction;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Names;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.Poll;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Eviction;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries out a drain's plan against the API server: cordons a node, evicts its pods one after the
 * other (retrying while a budget refuses, then by policy), and waits until they are gone.
 */
final class Evictions {
  private static final Duration EVICTION_RETRY = Duration.ofSeconds(5); // kubectl's delay
  private static final Duration POLL = Duration.ofSeconds(1);

  private Evictions() {}

  /** How the eviction of one pod ended. */
  private enum Outcome {
    /** Evicted, or gone already. */
    EVICTED,
    /** Left on its node until the node is terminated. */
    LEFT,
    /** To delete past its budget. */
    DELETE
  }

  private static Outcome outcome(DrainPlan.Fate fate) {
    return fate == DrainPlan.Fate.DELETE ? Outcome.DELETE : Outcome.LEFT;
  }

  /** Counts shared by the node drains running in parallel. */
  static final class Tally {
    final AtomicInteger evicted = new AtomicInteger();
    final Set<String> deleted = ConcurrentHashMap.newKeySet();
    final Set<String> left = ConcurrentHashMap.newKeySet();
  }

  static void cordon(ActionContext ctx, CoreV1Api core, String name)
      throws ActionFailure, InterruptedException {
    // Recorded first: a wake (or a person) can tell the nodes we cordoned from those that were.
    ctx.ledger().put("cordoned:" + name, true);
    KubeCalls.call(
        ctx,
        "cordoning node " + name,
        () ->
            PatchUtils.patch(
                V1Node.class,
                () ->
                    core.patchNode(name, new V1Patch("{\"spec\":{\"unschedulable\":true}}"))
                        .buildCall(null),
                V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
                core.getApiClient()));
    ctx.changed();
  }

  static void drainNode(
      DrainNodes.Params params,
      ActionContext ctx,
      CoreV1Api core,
      String node,
      List<Eviction> evictions,
      Tally tally)
      throws Exception {
    Poll budgetDeadline = Poll.within(ctx, params.deadline(), EVICTION_RETRY);
    Map<String, String> evictedUids = new LinkedHashMap<>();
    long longestGrace = 30;
    for (Eviction eviction : evictions) {
      V1Pod pod = eviction.pod();
      String podName = eviction.name();
      String budget = eviction.budget();
      longestGrace = Math.max(longestGrace, grace(pod, params));
      Outcome outcome =
          budgetDeadline.untilElse(
              () -> {
                ctx.checkCancelled();
                Optional<ApiException> refused = evict(ctx, core, pod, params.gracePeriod(), false);
                if (refused.isEmpty()) {
                  return Poll.Round.<Outcome, ApiException>ready(Outcome.EVICTED);
                }
                // The budget refuses for now. A budget that can never be met is not waited on.
                Optional<DrainPlan.Fate> fate = DrainPlan.onRefusal(eviction, params.policy());
                return fate.isPresent()
                    ? Poll.Round.<Outcome, ApiException>ready(outcome(fate.get()))
                    : Poll.Round.<Outcome, ApiException>waiting(refused.get());
              },
              refused ->
                  "waiting for PodDisruptionBudget " + budget + " to allow evicting " + podName,
              refused ->
                  outcome(
                      DrainPlan.pastDeadline(params.policy())
                          .orElseThrow(
                              () ->
                                  new ActionFailure(
                                      "evicting "
                                          + podName
                                          + " on "
                                          + node
                                          + ": PodDisruptionBudget "
                                          + budget
                                          + " still refuses after "
                                          + Durations.format(params.deadline())
                                          + " ("
                                          + KubeCalls.message(refused)
                                          + ")",
                                      true))));
      switch (outcome) {
        case EVICTED:
          evictedUids.put(podName, pod.getMetadata().getUid());
          tally.evicted.incrementAndGet();
          break;
        case LEFT:
          tally.left.add(eviction.leftLine());
          break;
        default:
          delete(ctx, core, pod, params);
          evictedUids.put(podName, pod.getMetadata().getUid());
          tally.deleted.add(eviction.deletedLine());
          ctx.log("deleted " + eviction.deletedLine());
      }
    }
    awaitGone(ctx, core, node, evictedUids, Duration.ofSeconds(longestGrace).plusMinutes(2));
  }

  /** Whether the API server would evict {@code pod} now (a server-side dry-run). */
  static boolean dryRunEviction(ActionContext ctx, CoreV1Api core, V1Pod pod)
      throws ActionFailure, InterruptedException {
    return evict(ctx, core, pod, null, true).isEmpty();
  }

  /**
   * Evicts {@code pod} (or, with {@code dryRun}, asks whether the API server would); empty when
   * done or already gone, the 429 when a budget refuses.
   */
  private static Optional<ApiException> evict(
      ActionContext ctx, CoreV1Api core, V1Pod pod, Duration gracePeriod, boolean dryRun)
      throws ActionFailure, InterruptedException {
    String what =
        (dryRun ? "dry-run eviction of " : "evicting ")
            + Names.of(pod.getMetadata())
            + " on "
            + pod.getSpec().getNodeName();
    ApiException[] blocked = {null};
    try {
      KubeCalls.call(
          ctx,
          what,
          () -> {
            var request =
                core.createNamespacedPodEviction(
                    pod.getMetadata().getName(),
                    pod.getMetadata().getNamespace(),
                    eviction(pod, gracePeriod));
            try {
              KubeCalls.executeRaw((dryRun ? request.dryRun("All") : request).buildCall(null));
            } catch (ApiException e) {
              if (KubeCalls.blockedByBudget(e)) {
                blocked[0] = e; // the budget's answer; retried by the caller, not as throttling
                return null;
              }
              throw e;
            }
            return null;
          });
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ApiException api && api.getCode() == 404) {
        return Optional.empty(); // gone already: counts as evicted, as in kubectl
      }
      throw e;
    }
    if (blocked[0] == null && !dryRun) {
      ctx.changed();
    }
    return Optional.ofNullable(blocked[0]);
  }

  private static void delete(ActionContext ctx, CoreV1Api core, V1Pod pod, DrainNodes.Params params)
      throws ActionFailure, InterruptedException {
    String name = Names.of(pod.getMetadata());
    ctx.ledger().put("deleted:" + name, true);
    try {
      KubeCalls.call(
          ctx,
          "deleting " + name,
          () -> {
            var request =
                core.deleteNamespacedPod(
                    pod.getMetadata().getName(), pod.getMetadata().getNamespace());
            if (params.gracePeriod() != null) {
              request = request.gracePeriodSeconds((int) params.gracePeriod().getSeconds());
            }
            return request.execute();
          });
      ctx.changed();
    } catch (ActionFailure e) {
      if (!(e.getCause() instanceof ApiException api && api.getCode() == 404)) {
        throw e;
      }
    }
  }

  private static V1Eviction eviction(V1Pod pod, Duration gracePeriod) {
    V1Eviction eviction =
        new V1Eviction()
            .metadata(
                new V1ObjectMeta()
                    .name(pod.getMetadata().getName())
                    .namespace(pod.getMetadata().getNamespace()));
    if (gracePeriod != null) {
      eviction.deleteOptions(new V1DeleteOptions().gracePeriodSeconds(gracePeriod.getSeconds()));
    }
    return eviction;
  }

  private static long grace(V1Pod pod, DrainNodes.Params params) {
    if (params.gracePeriod() != null) {
      return params.gracePeriod().getSeconds();
    }
    Long own = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
    return own == null ? 30 : own;
  }

  /**
   * Waits until every evicted pod is gone from the node: absent, or replaced by a pod of the same
   * name with another UID (a StatefulSet's). One list per poll for the whole node.
   */
  private static void awaitGone(
      ActionContext ctx, CoreV1Api core, String node, Map<String, String> uids, Duration timeout)
      throws ActionFailure, InterruptedException {
    Poll.failingAfter(ctx, timeout, POLL)
        .until(
            () -> {
              if (uids.isEmpty()) {
                return Poll.Round.<Void, Integer>ready(null);
              }
              var pods =
                  KubeCalls.call(
                          ctx,
                          "listing pods on " + node,
                          () ->
                              core.listPodForAllNamespaces()
                                  .fieldSelector("spec.nodeName=" + node)
                                  .execute())
                      .getItems();
              Map<String, String> present = new HashMap<>();
              pods.forEach(p -> present.put(Names.of(p.getMetadata()), p.getMetadata().getUid()));
              uids.entrySet().removeIf(e -> !e.getValue().equals(present.get(e.getKey())));
              return uids.isEmpty()
                  ? Poll.Round.<Void, Integer>ready(null)
                  : Poll.Round.<Void, Integer>waiting(uids.size());
            },
            left -> left + " pods on " + node + " terminating",
            left ->
                new ActionFailure(
                    "pods on "
                        + node
                        + " still terminating after "
                        + Durations.format(timeout)
                        + ": "
                        + String.join(", ", uids.keySet()),
                    true));
  }
}
