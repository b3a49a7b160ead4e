package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.network.AdmissionDecision;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The wake-up deadlock of a fail-closed webhook that matches its own pods, against the real API
 * server: the webhook's Service loses its endpoints, pod creations are rejected, including the
 * webhook's own replacement pods, until someone breaks the glass.
 */
@ExtendWith(SandboxExtension.class)
class WebhookDeadlockIT {

  private static final String KYVERNO = "kyverno";
  private static final String DEPLOYMENT = "kyverno-admission-controller";
  private static final String WEBHOOK_CONFIG = "kyverno-resource-validating-webhook-cfg";

  @Test
  void podCreationPassesWhileTheWebhookPodsAreReady(TestSandbox sandbox) throws Exception {
    ApiClient client = sandbox.adminClient();
    String namespace = Cluster.createNamespace(client, "webhook-it");
    try {
      var created =
          new CoreV1Api(client)
              .createNamespacedPod(namespace, Cluster.pod(namespace, "allowed", Map.of()))
              .execute();

      assertEquals("allowed", created.getMetadata().getName());
      // The webhook really ran: its one rule rejects this label.
      ApiException denied =
          assertThrows(
              ApiException.class,
              () ->
                  new CoreV1Api(client)
                      .createNamespacedPod(
                          namespace,
                          Cluster.pod(
                              namespace, "denied", Map.of(AdmissionDecision.DENY_LABEL, "true")))
                      .execute());
      assertEquals(403, denied.getCode());
      assertTrue(
          denied.getResponseBody().contains("denied by the sandbox policy webhook"),
          denied.getResponseBody());
    } finally {
      Cluster.deleteNamespace(client, namespace);
    }
  }

  @Test
  void withTheWebhookScaledToZeroMatchingCreationsAreRejected(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    String namespace = Cluster.createNamespace(client, "webhook-it");
    try {
      scale(client, 0);
      awaitNoReadyEndpoint(client);

      ApiException rejected = firstRejectedCreation(client, namespace);

      assertEquals(500, rejected.getCode());
      assertTrue(
          rejected
              .getResponseBody()
              .contains("no endpoints available for service \\\"kyverno-svc\\\""),
          rejected.getResponseBody());

      // The deadlock: scaled back up, the webhook's own pods are rejected by the webhook.
      scale(client, 1);
      Thread.sleep(3_000);
      V1Deployment stuck =
          new AppsV1Api(client).readNamespacedDeployment(DEPLOYMENT, KYVERNO).execute();
      assertEquals(null, stuck.getStatus().getReadyReplicas(), "no webhook pod can be created");
    } finally {
      breakGlass(client);
      Cluster.deleteNamespace(client, namespace);
    }
  }

  /**
   * Creates pods until one is rejected for want of endpoints: the API server resolves the Service
   * from its own EndpointSlice informer, which may lag the slice we saw emptied by a moment; in
   * that moment a call may still reach the pod as it shuts down and fail another way (EOF,
   * connection refused), which is also a rejection of the webhook but not yet the one this test is
   * about.
   */
  private static ApiException firstRejectedCreation(ApiClient client, String namespace)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    ApiException last = null;
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      try {
        new CoreV1Api(client)
            .createNamespacedPod(namespace, Cluster.pod(namespace, "app-" + attempt, Map.of()))
            .execute();
      } catch (ApiException e) {
        String body = String.valueOf(e.getResponseBody());
        if (body.contains("no endpoints available")) {
          return e;
        }
        assertTrue(body.contains("failed calling webhook"), body);
        last = e;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "15 s after the webhook lost its endpoints no creation was refused for want of them"
            + (last == null
                ? "; all were admitted"
                : "; the last refusal: " + last.getResponseBody()));
  }

  /** Patch the webhook to Ignore, let its pods start, then restore Fail: the documented way out. */
  private static void breakGlass(ApiClient client) throws ApiException {
    setFailurePolicy(client, "Ignore");
    scale(client, 1);
    Cluster.awaitReadyReplicas(client, KYVERNO, DEPLOYMENT, 1);
    awaitReadyEndpoint(client);
    setFailurePolicy(client, "Fail");
  }

  private static void setFailurePolicy(ApiClient client, String policy) throws ApiException {
    String patch =
        "[{\"op\":\"replace\",\"path\":\"/webhooks/0/failurePolicy\",\"value\":\""
            + policy
            + "\"}]";
    PatchUtils.patch(
        Object.class,
        () ->
            new AdmissionregistrationV1Api(client)
                .patchValidatingWebhookConfiguration(WEBHOOK_CONFIG, new V1Patch(patch))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH,
        client);
  }

  private static void scale(ApiClient client, int replicas) throws ApiException {
    PatchUtils.patch(
        Object.class,
        () ->
            new AppsV1Api(client)
                .patchNamespacedDeploymentScale(
                    DEPLOYMENT, KYVERNO, new V1Patch("{\"spec\":{\"replicas\":" + replicas + "}}"))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        client);
  }

  private static void awaitNoReadyEndpoint(ApiClient client) {
    Wait.until(
        "kyverno-svc to lose its ready endpoints",
        Cluster.WAIT,
        Duration.ofMillis(200),
        () -> readyEndpoints(client) == 0 ? Optional.empty() : Optional.of("still ready"));
  }

  private static void awaitReadyEndpoint(ApiClient client) {
    Wait.until(
        "kyverno-svc to have a ready endpoint",
        Cluster.WAIT,
        Duration.ofMillis(200),
        () -> readyEndpoints(client) > 0 ? Optional.empty() : Optional.of("none ready"));
  }

  private static long readyEndpoints(ApiClient client) {
    try {
      return new DiscoveryV1Api(client)
              .listNamespacedEndpointSlice(KYVERNO)
              .labelSelector("kubernetes.io/service-name=kyverno-svc")
              .execute()
              .getItems()
              .stream()
              .flatMap(
                  s ->
                      s.getEndpoints() == null
                          ? java.util.stream.Stream.empty()
                          : s.getEndpoints().stream())
              .filter(
                  e ->
                      e.getConditions() == null
                          || !Boolean.FALSE.equals(e.getConditions().getReady()))
              .count();
    } catch (ApiException e) {
      throw new IllegalStateException(
          "listing EndpointSlices of kyverno-svc: HTTP " + e.getCode(), e);
    }
  }
}
