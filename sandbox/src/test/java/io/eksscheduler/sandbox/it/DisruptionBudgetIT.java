package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class DisruptionBudgetIT {

  @Test
  void scenarioBudgetsAreComputedByTheDisruptionController(TestSandbox sandbox) {
    ApiClient client = sandbox.adminClient();

    // CoreDNS: 2 Ready replicas, maxUnavailable 1; the database: minAvailable 1 of 1.
    awaitDisruptionsAllowed(client, "kube-system", "coredns", 1);
    awaitDisruptionsAllowed(client, "data", "postgres", 0);
  }

  @Test
  void budgetFollowsTheReadyPodCount(TestSandbox sandbox) throws Exception {
    ApiClient client = sandbox.adminClient();
    String namespace = Cluster.createNamespace(client, "pdb-it");
    try {
      new AppsV1Api(client)
          .createNamespacedDeployment(
              namespace, Cluster.deployment(namespace, "app", 2, Cluster.simplePodSpec()))
          .execute();
      new PolicyV1Api(client)
          .createNamespacedPodDisruptionBudget(
              namespace,
              new V1PodDisruptionBudget()
                  .metadata(new V1ObjectMeta().name("app"))
                  .spec(
                      new V1PodDisruptionBudgetSpec()
                          .minAvailable(new IntOrString(2))
                          .selector(new V1LabelSelector().matchLabels(Map.of("app", "app")))))
          .execute();
      Cluster.awaitReadyReplicas(client, namespace, "app", 2);
      awaitDisruptionsAllowed(client, namespace, "app", 0);

      PatchUtils.patch(
          Object.class,
          () ->
              new AppsV1Api(client)
                  .patchNamespacedDeploymentScale(
                      "app", namespace, new V1Patch("{\"spec\":{\"replicas\":3}}"))
                  .buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          client);
      Cluster.awaitReadyReplicas(client, namespace, "app", 3);

      awaitDisruptionsAllowed(client, namespace, "app", 1);
    } finally {
      Cluster.deleteNamespace(client, namespace);
    }
  }

  static void awaitDisruptionsAllowed(
      ApiClient client, String namespace, String name, int expected) {
    Wait.until(
        "PDB " + namespace + "/" + name + " to allow " + expected + " disruptions",
        Cluster.WAIT,
        Duration.ofMillis(250),
        () -> {
          try {
            V1PodDisruptionBudget pdb =
                new PolicyV1Api(client)
                    .readNamespacedPodDisruptionBudget(name, namespace)
                    .execute();
            if (pdb.getStatus() == null
                || pdb.getStatus().getObservedGeneration() == null
                || pdb.getStatus().getObservedGeneration() < pdb.getMetadata().getGeneration()) {
              return Optional.of("not observed by the disruption controller yet");
            }
            int allowed = pdb.getStatus().getDisruptionsAllowed();
            return allowed == expected
                ? Optional.empty()
                : Optional.of(
                    "disruptionsAllowed="
                        + allowed
                        + ", currentHealthy="
                        + pdb.getStatus().getCurrentHealthy());
          } catch (ApiException e) {
            return Optional.of("HTTP " + e.getCode());
          }
        });
    V1PodDisruptionBudget pdb;
    try {
      pdb = new PolicyV1Api(client).readNamespacedPodDisruptionBudget(name, namespace).execute();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
    assertEquals(expected, pdb.getStatus().getDisruptionsAllowed());
  }
}
