package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.scenario.SimulatedNodes;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.openapi.models.V1Taint;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class KubectlDrainIT {

  private static final String TAINT = "sandbox.eks-scheduler.io/drain-it";

  @Test
  void drainOfANodeHoldingAProtectedPodIsRefusedWithTheEviction429(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    // A node and namespace of its own: draining a scenario node would move the shared workloads.
    String namespace = Cluster.createNamespace(client, "drain-it");
    String node =
        "ip-10-0-200-" + (10 + (int) (System.nanoTime() % 200)) + ".eu-west-1.compute.internal";
    new CoreV1Api(client).createNode(drainNode(node)).execute();
    try {
      new AppsV1Api(client)
          .createNamespacedDeployment(
              namespace,
              Cluster.deployment(
                  namespace,
                  "ledger",
                  1,
                  Cluster.simplePodSpec()
                      .nodeSelector(Map.of("kubernetes.io/hostname", node))
                      .tolerations(List.of(new V1Toleration().key(TAINT).operator("Exists")))))
          .execute();
      new PolicyV1Api(client)
          .createNamespacedPodDisruptionBudget(
              namespace,
              new V1PodDisruptionBudget()
                  .metadata(new V1ObjectMeta().name("ledger"))
                  .spec(
                      new V1PodDisruptionBudgetSpec()
                          .minAvailable(new IntOrString(1))
                          .selector(new V1LabelSelector().matchLabels(Map.of("app", "ledger")))))
          .execute();
      Cluster.awaitReadyReplicas(client, namespace, "ledger", 1);
      DisruptionBudgetIT.awaitDisruptionsAllowed(client, namespace, "ledger", 0);

      var drain =
          sandbox.kubectl(
              Duration.ofSeconds(60),
              "drain",
              node,
              "--ignore-daemonsets",
              "--delete-emptydir-data",
              "--timeout=12s");

      assertNotEquals(0, drain.exitCode(), drain.output());
      assertTrue(
          drain
              .output()
              .contains("Cannot evict pod as it would violate the pod's disruption budget"),
          drain.output());
      String audit = Files.readString(sandbox.auditLog());
      assertTrue(
          audit
              .lines()
              .anyMatch(
                  l ->
                      l.contains("\"subresource\":\"eviction\"")
                          && l.contains("\"namespace\":\"" + namespace + "\"")
                          && l.contains("\"code\":429")),
          "the audit log records the refused eviction");
    } finally {
      Cluster.deleteNamespace(client, namespace);
      new CoreV1Api(client).deleteNode(node).execute();
    }
  }

  private static V1Node drainNode(String name) {
    return new V1Node()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .labels(
                    Map.of(
                        "kubernetes.io/hostname", name,
                        "kubernetes.io/os", "linux",
                        "topology.kubernetes.io/zone", "eu-west-1c",
                        "type", "kwok"))
                .annotations(
                    Map.of(
                        SimulatedNodes.KWOK_ANNOTATION, "fake",
                        SimulatedNodes.INTERNAL_IP_ANNOTATION, "10.0.200.10")))
        // Tainted so that no shared workload is scheduled here meanwhile.
        .spec(
            new V1NodeSpec()
                .taints(List.of(new V1Taint().key(TAINT).value("true").effect("NoSchedule"))))
        .status(
            new V1NodeStatus()
                .capacity(
                    Map.of(
                        "cpu",
                        Quantity.fromString("2"),
                        "memory",
                        Quantity.fromString("8Gi"),
                        "pods",
                        Quantity.fromString("29")))
                .allocatable(
                    Map.of(
                        "cpu",
                        Quantity.fromString("2"),
                        "memory",
                        Quantity.fromString("8Gi"),
                        "pods",
                        Quantity.fromString("29"))));
  }
}
