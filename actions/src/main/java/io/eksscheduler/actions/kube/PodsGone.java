package io.eksscheduler.actions.kube;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits until the pods of scaled-down or suspended owners are gone, so that a step ends when what
 * it stopped has stopped: a later step (a drain) then finds no pod of theirs.
 */
public final class PodsGone {
  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * The pods of one owner.
   *
   * @param namespace where they run
   * @param selector its pod selector
   * @param owner what users read of the owner ({@code Deployment ns/name})
   */
  public record Owner(String namespace, V1LabelSelector selector, String owner) {}

  private PodsGone() {}

  /**
   * Waits until no pod of {@code owners} runs any more (finished pods do not count), for the
   * longest grace period among them plus two minutes; one list per namespace per poll.
   */
  public static void await(ActionContext ctx, CoreV1Api core, List<Owner> owners)
      throws ActionFailure, InterruptedException {
    Map<String, List<Owner>> byNamespace = new LinkedHashMap<>();
    owners.forEach(o -> byNamespace.computeIfAbsent(o.namespace(), k -> new ArrayList<>()).add(o));
    // Not a Poll: the deadline grows with the longest grace period among the pods seen so far.
    Instant start = ctx.clock().instant();
    long longestGrace = 30;
    while (true) {
      List<String> remaining = new ArrayList<>();
      for (Map.Entry<String, List<Owner>> e : byNamespace.entrySet()) {
        String ns = e.getKey();
        List<V1Pod> pods =
            KubeCalls.call(ctx, "listing pods in " + ns, () -> core.listNamespacedPod(ns).execute())
                .getItems();
        for (V1Pod pod : pods) {
          if (NodePods.finished(pod)) {
            continue;
          }
          for (Owner o : e.getValue()) {
            if (Selectors.matches(o.selector(), pod.getMetadata().getLabels())) {
              remaining.add(Names.of(pod.getMetadata()) + " (" + o.owner() + ")");
              Long grace =
                  pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
              longestGrace = Math.max(longestGrace, grace == null ? 30 : grace);
              break;
            }
          }
        }
      }
      if (remaining.isEmpty()) {
        return;
      }
      Duration timeout = Duration.ofSeconds(longestGrace).plusMinutes(2);
      if (ctx.clock().instant().isAfter(start.plus(timeout))) {
        throw new ActionFailure(
            "pods still present after "
                + Durations.format(timeout)
                + ": "
                + String.join(", ", remaining),
            true);
      }
      ctx.progress(remaining.size() + " pods terminating");
      ctx.sleeper().sleep(POLL);
    }
  }
}
