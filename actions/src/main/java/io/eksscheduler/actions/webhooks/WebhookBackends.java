package io.eksscheduler.actions.webhooks;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.kube.ClusterView;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.NodePods;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Effect;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What serves a webhook whose Service has no ready endpoint, as the earlier steps of a dry-run
 * leave it: the pod template labels of the workloads behind the Service (does the webhook block
 * their creation?), whether a pod of it exists (it may turn Ready on its own) and whether anything
 * may start one.
 *
 * @param templateLabels the pod template labels of the Deployments and StatefulSets it selects
 * @param podNotReady a pod it selects exists, not finished (not Ready: the endpoint is not)
 * @param mayStart a pod exists, a workload it selects wants replicas, or an earlier step of the
 *     dry-run starts pods it selects
 */
record WebhookBackends(
    List<Map<String, String>> templateLabels, boolean podNotReady, boolean mayStart) {

  private static final WebhookBackends NONE = new WebhookBackends(List.of(), false, false);

  /**
   * Reads what backs Service {@code name} in {@code ns}; nothing when it is gone or selects none.
   */
  static WebhookBackends read(ActionContext ctx, ApiClient client, String ns, String name)
      throws ActionFailure, InterruptedException {
    V1Service service;
    try {
      service =
          KubeCalls.call(
              ctx,
              "reading Service " + ns + "/" + name,
              () -> new CoreV1Api(client).readNamespacedService(name, ns).execute());
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ApiException api && api.getCode() == 404) {
        return NONE;
      }
      throw e;
    }
    Map<String, String> selector =
        service.getSpec() == null || service.getSpec().getSelector() == null
            ? Map.of()
            : service.getSpec().getSelector();
    if (selector.isEmpty()) {
      return NONE;
    }
    ClusterView view = ClusterView.of(ctx);
    AppsV1Api apps = new AppsV1Api(client);
    List<Map<String, String>> labels = new ArrayList<>();
    boolean wanted = false;
    for (V1Deployment d :
        KubeCalls.call(
                ctx,
                "listing Deployments in " + ns,
                () -> apps.listNamespacedDeployment(ns).execute())
            .getItems()) {
      d = view.workload(d);
      if (addIfServing(labels, selector, d.getSpec().getTemplate().getMetadata())) {
        wanted |= wantsPods(d.getSpec().getReplicas());
      }
    }
    for (V1StatefulSet s :
        KubeCalls.call(
                ctx,
                "listing StatefulSets in " + ns,
                () -> apps.listNamespacedStatefulSet(ns).execute())
            .getItems()) {
      s = view.workload(s);
      if (addIfServing(labels, selector, s.getSpec().getTemplate().getMetadata())) {
        wanted |= wantsPods(s.getSpec().getReplicas());
      }
    }
    String labelSelector =
        selector.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .sorted()
            .collect(Collectors.joining(","));
    List<V1Pod> pods =
        view.pods(
            KubeCalls.call(
                    ctx,
                    "listing the pods of Service " + ns + "/" + name,
                    () ->
                        new CoreV1Api(client)
                            .listNamespacedPod(ns)
                            .labelSelector(labelSelector)
                            .execute())
                .getItems());
    boolean podNotReady = pods.stream().anyMatch(p -> !NodePods.finished(p));
    return new WebhookBackends(
        List.copyOf(labels), podNotReady, podNotReady || wanted || starting(ctx, ns, selector));
  }

  private static boolean wantsPods(Integer replicas) {
    return replicas == null || replicas > 0;
  }

  /**
   * True when an earlier step of the dry-run starts pods in {@code ns} that {@code selector} takes.
   */
  private static boolean starting(ActionContext ctx, String ns, Map<String, String> selector) {
    for (Effect e : ctx.predicted()) {
      if (e instanceof ClusterEffect.PodsStarting s
          && s.namespace().equals(ns)
          && s.labels().entrySet().containsAll(selector.entrySet())) {
        ctx.read(e);
        return true;
      }
    }
    return false;
  }

  private static boolean addIfServing(
      List<Map<String, String>> out, Map<String, String> selector, V1ObjectMeta template) {
    Map<String, String> labels =
        template == null || template.getLabels() == null ? Map.of() : template.getLabels();
    if (labels.entrySet().containsAll(selector.entrySet())) {
      out.add(labels);
      return true;
    }
    return false;
  }
}
