package io.eksscheduler.actions.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a webhook's backend answers: a request sent through it, by the safest means it allows.
 */
final class WebhookProbes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookProbes() {}

  /**
   * Sends a request through the webhook, when that is safe: a server-side dry-run creation of a pod
   * it intercepts, if it declares no side effects on dry-run; otherwise a TLS connection to its
   * Service through the API server. Empty when it answered.
   */
  static Optional<String> probe(
      ActionContext ctx,
      ApiClient client,
      Webhook w,
      Map<String, Map<String, String>> namespaceLabels)
      throws ActionFailure, InterruptedException {
    if (w.dryRunSafe() && w.interceptsPodCreation()) {
      Optional<Map.Entry<String, Map<String, String>>> target = probeTarget(w, namespaceLabels);
      if (target.isPresent()) {
        return dryRunPod(ctx, client, w, target.get().getKey(), target.get().getValue());
      }
    }
    if (w.service().isPresent()) {
      return connect(ctx, client, w);
    }
    return Optional.empty(); // a URL webhook that cannot be probed safely: nothing more to check
  }

  /** A namespace it intercepts (its Service's own first) and labels its object selector takes. */
  static Optional<Map.Entry<String, Map<String, String>>> probeTarget(
      Webhook w, Map<String, Map<String, String>> namespaceLabels) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (w.objectSelector() != null) {
      if (w.objectSelector().getMatchExpressions() != null
          && !w.objectSelector().getMatchExpressions().isEmpty()) {
        return Optional.empty();
      }
      if (w.objectSelector().getMatchLabels() != null) {
        labels.putAll(w.objectSelector().getMatchLabels());
      }
    }
    List<String> order = new ArrayList<>();
    w.service().ifPresent(s -> order.add(s.getNamespace()));
    order.add("default");
    order.addAll(namespaceLabels.keySet());
    for (String ns : order) {
      Map<String, String> nsLabels = namespaceLabels.get(ns);
      if (nsLabels != null && w.intercepts(nsLabels, labels)) {
        return Optional.of(Map.entry(ns, labels));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> dryRunPod(
      ActionContext ctx, ApiClient client, Webhook w, String ns, Map<String, String> labels)
      throws InterruptedException {
    V1Pod pod =
        new V1Pod()
            .metadata(
                new V1ObjectMeta()
                    .generateName("eks-scheduler-webhook-probe-")
                    .namespace(ns)
                    .labels(labels.isEmpty() ? null : labels))
            .spec(
                new V1PodSpec()
                    .overhead(null) // the client sends {} otherwise, which the API server refuses
                    .addContainersItem(
                        new V1Container().name("probe").image("registry.k8s.io/pause:3.10")));
    try {
      KubeCalls.call(
          ctx,
          "dry-run pod creation in " + ns + " through " + w.id(),
          () -> new CoreV1Api(client).createNamespacedPod(ns, pod).dryRun("All").execute(),
          // Refused because a webhook could not be called (this one, or another one on the way,
          // such as a self-blocking webhook not relaxed yet): that is the answer, not a fault of
          // the API server to retry.
          e ->
              e.getResponseBody() != null
                  && e.getResponseBody().contains("failed calling webhook"));
      return Optional.empty();
    } catch (ActionFailure e) {
      String body =
          e.getCause() instanceof ApiException api && api.getResponseBody() != null
              ? api.getResponseBody()
              : e.getMessage();
      if (failedCalling(w, body)) {
        return Optional.of("a dry-run request through it failed: " + excerpt(body));
      }
      // Denied by it (it answered), or stopped by something else: the probe says nothing more.
      return Optional.empty();
    }
  }

  /** True when the API server says it could not call {@code w} (in a Status body or its JSON). */
  static boolean failedCalling(Webhook w, String body) {
    if (body == null) {
      return false;
    }
    String quoted = "\"" + w.name() + "\"";
    return body.contains("failed calling webhook " + quoted)
        || body.contains("failed calling webhook \\" + quoted.substring(0, quoted.length() - 1));
  }

  /**
   * True for the API server's own refusal to proxy (no endpoint, no route, TLS failure): a 502 or
   * 503 with a Status body; anything else came from the webhook's server, which answered.
   */
  static boolean proxyRefused(ApiException e) {
    String body = e.getResponseBody() == null ? "" : e.getResponseBody();
    return (e.getCode() == 502 || e.getCode() == 503) && body.contains("\"kind\":\"Status\"");
  }

  private static Optional<String> connect(ActionContext ctx, ApiClient client, Webhook w)
      throws InterruptedException {
    AdmissionregistrationV1ServiceReference s = w.service().orElseThrow();
    int port = s.getPort() == null ? 443 : s.getPort();
    String path = s.getPath() == null ? "" : s.getPath().replaceFirst("^/", "");
    try {
      KubeCalls.call(
          ctx,
          "connecting to " + w.serviceId() + " through the API server",
          () ->
              new CoreV1Api(client)
                  .connectGetNamespacedServiceProxyWithPath(
                      "https:" + s.getName() + ":" + port, s.getNamespace(), path)
                  .execute(),
          WebhookProbes::proxyRefused);
      return Optional.empty();
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ApiException api) {
        String body = api.getResponseBody() == null ? "" : api.getResponseBody();
        if (!proxyRefused(api) && api.getCode() != 0) {
          return Optional.empty();
        }
        return Optional.of("no TLS connection to " + w.serviceId() + ": " + excerpt(body));
      }
      return Optional.of("no TLS connection to " + w.serviceId() + ": " + e.getMessage());
    }
  }

  static String excerpt(String body) {
    try {
      String message = JSON.readTree(body).path("message").asText("");
      if (!message.isEmpty()) {
        return message;
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // not a Status: show the text itself
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }
}
