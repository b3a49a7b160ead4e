package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class PodDeletionIT {

  @Test
  void deletedPodDisappearsWhenItsGracePeriodEndsWhateverTheSpeed(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    CoreV1Api core = new CoreV1Api(client);
    String namespace = Cluster.createNamespace(client, "grace-it");
    try {
      V1Pod pod = Cluster.pod(namespace, "graceful", Map.of());
      pod.getSpec().setTerminationGracePeriodSeconds(4L);
      core.createNamespacedPod(namespace, pod).execute();
      Wait.until(
          "pod graceful to run",
          Cluster.WAIT,
          Duration.ofMillis(100),
          () -> running(core, namespace));

      long start = System.nanoTime();
      core.deleteNamespacedPod("graceful", namespace).execute();
      Wait.until(
          "pod graceful to disappear",
          Cluster.WAIT,
          Duration.ofMillis(50),
          () -> gone(core, namespace));
      double seconds = (System.nanoTime() - start) / 1e9;

      // Speed divides simulated delays only; the grace period is the API server's, honoured fully.
      // deletionTimestamp has whole-second resolution (now + grace, fraction dropped), so the pod
      // goes up to one second before now + grace, never after it plus KWOK's reaction time.
      assertTrue(
          seconds >= 3.0 && seconds < 5.0,
          "gone after " + seconds + "s, grace 4s, speed " + sandbox.speed().factor());
    } finally {
      Cluster.deleteNamespace(client, namespace);
    }
  }

  private static Optional<String> running(CoreV1Api core, String namespace) {
    try {
      String phase = core.readNamespacedPod("graceful", namespace).execute().getStatus().getPhase();
      return "Running".equals(phase) ? Optional.empty() : Optional.of(String.valueOf(phase));
    } catch (ApiException e) {
      return Optional.of("HTTP " + e.getCode());
    }
  }

  private static Optional<String> gone(CoreV1Api core, String namespace) {
    try {
      core.readNamespacedPod("graceful", namespace).execute();
      return Optional.of("still there");
    } catch (ApiException e) {
      return e.getCode() == 404 ? Optional.empty() : Optional.of("HTTP " + e.getCode());
    }
  }
}
