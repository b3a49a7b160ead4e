package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.webhooks.WaitForWebhooks;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import io.kubernetes.client.util.PatchUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * webhooks.wait against the real API server and the dev scenario's Kyverno-like webhook, which
 * fails closed on the creation of pods in its own namespace: once its pods are gone, its ReplicaSet
 * cannot create new ones, the deadlock a wake meets on every cluster with Kyverno.
 */
@ExtendWith(SandboxExtension.class)
class WebhooksWaitIT {
  private static final String CONFIG = "kyverno-resource-validating-webhook-cfg";
  private static final String NS = "kyverno";
  private static final String DEPLOYMENT = "kyverno-admission-controller";

  @TempDir Path state;

  @Test
  void theSelfBlockingWebhookTimesOutNamedWithoutRelaxAndRecoversWithIt(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(client);
    V1ValidatingWebhookConfiguration before =
        admission.readValidatingWebhookConfiguration(CONFIG).execute();
    PlaybookRuns runs = new PlaybookRuns(List.of(new WaitForWebhooks()), client, state);
    String only = "      configurations: [" + CONFIG + "]\n";
    assertEquals(
        RunStatus.SUCCEEDED,
        runs.run("w-healthy", "webhooks.wait", only).status(),
        "healthy at first");

    deadlock(client);
    List<String> plan = runs.plan("webhooks.wait", only + "      relaxSelfBlocking: true\n");
    assertTrue(
        plan.stream().anyMatch(l -> l.contains("self-blocking: failurePolicy Fail -> Ignore")),
        plan.toString());

    RunState control = runs.run("w-control", "webhooks.wait", only + "      deadline: 8s\n");
    assertEquals(RunStatus.FAILED, control.status());
    String error = control.steps().get("step").error();
    assertTrue(error.contains("webhook validate.kyverno.svc-fail"), error);
    assertTrue(error.contains("no ready endpoint for Service kyverno/kyverno-svc"), error);
    assertTrue(error.contains("self-blocking"), error);
    assertEquals(0, readyReplicas(client), "the deadlock holds without the relax");

    RunState relaxed =
        runs.run("w-relax", "webhooks.wait", only + "      relaxSelfBlocking: true\n");
    assertEquals(RunStatus.SUCCEEDED, relaxed.status(), String.valueOf(relaxed.steps()));
    assertEquals(
        List.of("ValidatingWebhookConfiguration " + CONFIG + " webhook validate.kyverno.svc-fail"),
        relaxed.steps().get("step").outputs().get("relaxed"));
    assertEquals(1, readyReplicas(client), "its pod came back once it failed open");
    V1ValidatingWebhookConfiguration after =
        admission.readValidatingWebhookConfiguration(CONFIG).execute();
    assertEquals(before.getWebhooks(), after.getWebhooks(), "failurePolicy restored exactly");
    assertEquals(
        before.getMetadata().getAnnotations(),
        after.getMetadata().getAnnotations(),
        "no annotation of ours left");
  }

  /** Scales the webhook's server to 0 and back to 1: its new pod is refused by the webhook. */
  private static void deadlock(ApiClient client) throws Exception {
    scale(client, 0);
    DiscoveryV1Api discovery = new DiscoveryV1Api(client);
    await(
        "kyverno-svc without endpoints",
        () -> {
          try {
            return discovery
                .listNamespacedEndpointSlice(NS)
                .labelSelector("kubernetes.io/service-name=kyverno-svc")
                .execute()
                .getItems()
                .stream()
                .allMatch(s -> s.getEndpoints() == null || s.getEndpoints().isEmpty());
          } catch (Exception e) {
            return false;
          }
        });
    // The webhook must refuse pods before the ReplicaSet tries again, or the deadlock never forms.
    CoreV1Api core = new CoreV1Api(client);
    await(
        "the webhook to refuse pods in " + NS,
        () -> {
          try {
            core.createNamespacedPod(NS, probe()).dryRun("All").execute();
            return false;
          } catch (ApiException e) {
            return String.valueOf(e.getResponseBody()).contains("failed calling webhook");
          }
        });
    scale(client, 1);
    Thread.sleep(2_000);
    assertEquals(0, readyReplicas(client), "the deadlock formed");
  }

  private static V1Pod probe() {
    return new V1Pod()
        .metadata(new V1ObjectMeta().generateName("deadlock-probe-"))
        .spec(
            new V1PodSpec()
                .overhead(null)
                .addContainersItem(new V1Container().name("c").image("pause")));
  }

  private static void scale(ApiClient client, int replicas) throws Exception {
    AppsV1Api apps = new AppsV1Api(client);
    V1Patch patch = new V1Patch("{\"spec\":{\"replicas\":" + replicas + "}}");
    PatchUtils.patch(
        V1Deployment.class,
        () -> apps.patchNamespacedDeployment(DEPLOYMENT, NS, patch).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        client);
  }

  private static int readyReplicas(ApiClient client) throws Exception {
    Integer ready =
        new AppsV1Api(client)
            .readNamespacedDeployment(DEPLOYMENT, NS)
            .execute()
            .getStatus()
            .getReadyReplicas();
    return ready == null ? 0 : ready;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofMinutes(1));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }
}
