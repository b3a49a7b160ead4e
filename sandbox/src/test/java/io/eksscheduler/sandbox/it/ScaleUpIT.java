package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.scenario.SimulatedNodes;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class ScaleUpIT {

  @Test
  void scaledUpDeploymentGetsReadyPodsOnKwokNodes(TestSandbox sandbox) throws Exception {
    ApiClient client = sandbox.adminClient();
    String namespace = Cluster.createNamespace(client, "scale-it");
    try {
      new AppsV1Api(client)
          .createNamespacedDeployment(
              namespace, Cluster.deployment(namespace, "app", 1, Cluster.simplePodSpec()))
          .execute();
      Cluster.awaitReadyReplicas(client, namespace, "app", 1);

      PatchUtils.patch(
          Object.class,
          () ->
              new AppsV1Api(client)
                  .patchNamespacedDeploymentScale(
                      "app", namespace, new V1Patch("{\"spec\":{\"replicas\":5}}"))
                  .buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          client);
      Cluster.awaitReadyReplicas(client, namespace, "app", 5);

      List<V1Pod> pods = new CoreV1Api(client).listNamespacedPod(namespace).execute().getItems();
      assertEquals(5, pods.size());
      for (V1Pod pod : pods) {
        assertEquals("Running", pod.getStatus().getPhase());
        V1Node node = new CoreV1Api(client).readNode(pod.getSpec().getNodeName()).execute();
        assertEquals(
            "fake", node.getMetadata().getAnnotations().get(SimulatedNodes.KWOK_ANNOTATION));
        assertTrue(
            pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().startsWith("127."));
      }
    } finally {
      Cluster.deleteNamespace(client, namespace);
    }
  }
}
