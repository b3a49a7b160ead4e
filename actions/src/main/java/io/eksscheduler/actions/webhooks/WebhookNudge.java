package io.eksscheduler.actions.webhooks;

import io.eksscheduler.actions.kube.AnnotationPatch;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nudge: an annotation {@code eks-scheduler.io/nudge} set and removed again on the controllers
 * of a relaxed webhook's own pods, so that they retry now.
 */
final class WebhookNudge {
  private static final String NUDGE = "eks-scheduler.io/nudge";

  private WebhookNudge() {}

  /**
   * Wakes the controllers of the webhook's own pods now rather than at the end of their backoff: a
   * ReplicaSet refused pod creations all night may wait up to 1,000 s before trying again, but any
   * update of the object queues it at once. The update is an annotation set and removed again, so
   * the object ends as it was.
   */
  static void nudge(ActionContext ctx, ApiClient client, Webhook w)
      throws ActionFailure, InterruptedException {
    if (w.service().isEmpty()) {
      return;
    }
    String ns = w.service().get().getNamespace();
    V1Service service;
    try {
      service =
          KubeCalls.call(
              ctx,
              "reading Service " + w.serviceId(),
              () ->
                  new CoreV1Api(client)
                      .readNamespacedService(w.service().get().getName(), ns)
                      .execute());
    } catch (ActionFailure e) {
      return; // no Service: nothing to nudge, the wait names it
    }
    Map<String, String> selector =
        service.getSpec() == null || service.getSpec().getSelector() == null
            ? Map.of()
            : service.getSpec().getSelector();
    if (selector.isEmpty()) {
      return;
    }
    AppsV1Api apps = new AppsV1Api(client);
    for (V1ReplicaSet rs :
        KubeCalls.call(
                ctx,
                "listing ReplicaSets in " + ns,
                () -> apps.listNamespacedReplicaSet(ns).execute())
            .getItems()) {
      Integer replicas = rs.getSpec().getReplicas();
      if (replicas != null && replicas > 0 && serves(selector, rs.getSpec().getTemplate())) {
        String name = rs.getMetadata().getName();
        AnnotationPatch.replicaSet(ctx, client, ns, name, NUDGE, ctx.runId());
        AnnotationPatch.replicaSet(ctx, client, ns, name, NUDGE, null);
      }
    }
    for (V1StatefulSet sts :
        KubeCalls.call(
                ctx,
                "listing StatefulSets in " + ns,
                () -> apps.listNamespacedStatefulSet(ns).execute())
            .getItems()) {
      if (serves(selector, sts.getSpec().getTemplate())) {
        String name = sts.getMetadata().getName();
        AnnotationPatch.statefulSet(ctx, client, ns, name, NUDGE, ctx.runId());
        AnnotationPatch.statefulSet(ctx, client, ns, name, NUDGE, null);
      }
    }
  }

  /**
   * Removes the nudge annotation that a run killed between setting and removing it left on the
   * ReplicaSets and StatefulSets next to the webhooks this run relaxed (a resume finds the webhook
   * relaxed already and does not nudge again), so that nothing of the nudge outlives the step.
   */
  static void clearNudges(ActionContext ctx, ApiClient client, List<Webhook> found)
      throws ActionFailure, InterruptedException {
    Set<String> namespaces = new java.util.TreeSet<>();
    for (Webhook w : found) {
      if (w.service().isPresent() && ctx.ledger().get(w.ledgerKey(), String.class).isPresent()) {
        namespaces.add(w.service().get().getNamespace());
      }
    }
    AppsV1Api apps = new AppsV1Api(client);
    for (String ns : namespaces) {
      for (V1ReplicaSet rs :
          KubeCalls.call(
                  ctx,
                  "listing ReplicaSets in " + ns,
                  () -> apps.listNamespacedReplicaSet(ns).execute())
              .getItems()) {
        if (nudged(rs.getMetadata())) {
          AnnotationPatch.replicaSet(ctx, client, ns, rs.getMetadata().getName(), NUDGE, null);
        }
      }
      for (V1StatefulSet sts :
          KubeCalls.call(
                  ctx,
                  "listing StatefulSets in " + ns,
                  () -> apps.listNamespacedStatefulSet(ns).execute())
              .getItems()) {
        if (nudged(sts.getMetadata())) {
          AnnotationPatch.statefulSet(ctx, client, ns, sts.getMetadata().getName(), NUDGE, null);
        }
      }
    }
  }

  private static boolean nudged(V1ObjectMeta meta) {
    return meta.getAnnotations() != null && meta.getAnnotations().containsKey(NUDGE);
  }

  private static boolean serves(Map<String, String> selector, V1PodTemplateSpec template) {
    Map<String, String> labels =
        template == null
                || template.getMetadata() == null
                || template.getMetadata().getLabels() == null
            ? Map.of()
            : template.getMetadata().getLabels();
    return labels.entrySet().containsAll(selector.entrySet());
  }
}
