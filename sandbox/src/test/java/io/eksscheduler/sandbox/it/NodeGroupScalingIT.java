package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1TopologySpreadConstraint;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.Update;

/**
 * Node group sizes drive the KWOK nodes: scale-out creates labelled nodes after the launch delay,
 * managed scale-in drains through the Eviction API, then terminates.
 */
@ExtendWith(SandboxExtension.class)
class NodeGroupScalingIT {

  private static final String GROUP_LABEL = "eks.amazonaws.com/nodegroup";
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void groupScaledToZeroLosesNodesAndPodsAndScaledBackGetsReadyLabelledNodes(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    Aws aws = new Aws(sandbox);
    String namespace = Cluster.createNamespace(client, "ng-zero-it");
    // A PDB elsewhere (the database's) would hold a node 15 min; 60 s simulated keeps the test
    // short.
    aws.admin("settings", "{\"evictionTimeoutSeconds\":60}");
    try (EksClient eks = aws.eks()) {
      V1PodSpec spec = Cluster.simplePodSpec().nodeSelector(Map.of(GROUP_LABEL, "general"));
      new AppsV1Api(client)
          .createNamespacedDeployment(namespace, Cluster.deployment(namespace, "pinned", 3, spec))
          .execute();
      Cluster.awaitReadyReplicas(client, namespace, "pinned", 3);
      List<String> podsBefore = podNames(client, namespace);

      List<String> seen = new ArrayList<>();
      Update update = scale(eks, "general", 0, 0, 10);
      seen.add(update.statusAsString());
      ResourceInUseException busy =
          assertThrows(ResourceInUseException.class, () -> scale(eks, "general", 0, 1, 10));
      assertEquals(409, busy.statusCode());
      awaitNodes(client, "general", 0);
      awaitUpdate(eks, "general", update.id(), seen);
      assertEquals("InProgress", seen.get(0));
      assertEquals("Successful", seen.get(seen.size() - 1));
      Wait.until(
          "the pods of general's terminated nodes to vanish",
          WAIT,
          Duration.ofMillis(100),
          () -> {
            List<String> left =
                podsBefore.stream().filter(p -> !gone(client, namespace, p)).toList();
            return left.isEmpty() ? Optional.empty() : Optional.of(left.toString());
          });
      assertTrue(
          new CoreV1Api(client)
              .listNamespacedPod(namespace).execute().getItems().stream()
                  .allMatch(p -> p.getSpec().getNodeName() == null),
          "replacement pods stay Pending without general nodes");

      long start = System.nanoTime();
      Update back = scale(eks, "general", 0, 5, 10);
      awaitNodes(client, "general", 5);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.err.printf("[ng-zero-it] general 0 -> 5 Ready nodes in %.1fs%n", seconds);
      List<V1Node> nodes = groupNodes(client, "general");
      for (V1Node node : nodes) {
        Map<String, String> labels = node.getMetadata().getLabels();
        assertEquals("m5.large", labels.get("node.kubernetes.io/instance-type"));
        assertEquals("ON_DEMAND", labels.get("eks.amazonaws.com/capacityType"));
        assertEquals("29", node.getStatus().getAllocatable().get("pods").toSuffixedString());
      }
      Set<String> zones =
          nodes.stream()
              .map(n -> n.getMetadata().getLabels().get("topology.kubernetes.io/zone"))
              .collect(Collectors.toSet());
      assertEquals(Set.of("eu-west-1a", "eu-west-1b", "eu-west-1c"), zones);
      awaitUpdate(eks, "general", back.id(), new ArrayList<>());
      Cluster.awaitReadyReplicas(client, namespace, "pinned", 3);
    } finally {
      restore(aws, client, namespace);
    }
  }

  @Test
  void managedScaleInWaitsOnAPodDisruptionBudgetThenTerminates(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    Aws aws = new Aws(sandbox);
    String namespace = Cluster.createNamespace(client, "ng-pdb-it");
    // 100 s simulated = 10 s at the ITs' speed 10 (EKS: 15 min).
    aws.admin("settings", "{\"evictionTimeoutSeconds\":100}");
    try (EksClient eks = aws.eks()) {
      int nodes = groupNodes(client, "general").size();
      V1PodSpec spec =
          Cluster.simplePodSpec()
              .nodeSelector(Map.of(GROUP_LABEL, "general"))
              .addTopologySpreadConstraintsItem(
                  new V1TopologySpreadConstraint()
                      .maxSkew(1)
                      .topologyKey("kubernetes.io/hostname")
                      .whenUnsatisfiable("DoNotSchedule")
                      .labelSelector(new V1LabelSelector().matchLabels(Map.of("app", "guarded"))));
      new AppsV1Api(client)
          .createNamespacedDeployment(
              namespace, Cluster.deployment(namespace, "guarded", nodes, spec))
          .execute();
      new PolicyV1Api(client)
          .createNamespacedPodDisruptionBudget(
              namespace,
              new V1PodDisruptionBudget()
                  .metadata(new V1ObjectMeta().name("guarded").namespace(namespace))
                  .spec(
                      new V1PodDisruptionBudgetSpec()
                          .maxUnavailable(new IntOrString(0))
                          .selector(new V1LabelSelector().matchLabels(Map.of("app", "guarded")))))
          .execute();
      Cluster.awaitReadyReplicas(client, namespace, "guarded", nodes);

      long start = System.nanoTime();
      Update update = scale(eks, "general", 0, nodes - 1, 10);
      String[] cordoned = new String[1];
      Wait.until(
          "a general node to be cordoned",
          WAIT,
          Duration.ofMillis(100),
          () -> {
            Optional<V1Node> node =
                groupNodes(client, "general").stream()
                    .filter(n -> Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                    .findFirst();
            node.ifPresent(n -> cordoned[0] = n.getMetadata().getName());
            return node.isPresent() ? Optional.empty() : Optional.of("none cordoned");
          });
      Thread.sleep(4000);
      V1Pod blocked =
          new CoreV1Api(client)
              .listNamespacedPod(namespace).execute().getItems().stream()
                  .filter(p -> cordoned[0].equals(p.getSpec().getNodeName()))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              "the PDB-guarded pod left node "
                                  + cordoned[0]
                                  + " before the deadline"));
      assertEquals(null, blocked.getMetadata().getDeletionTimestamp());
      assertEquals(
          "InProgress",
          eks.describeUpdate(r -> r.name("dev").nodegroupName("general").updateId(update.id()))
              .update()
              .statusAsString());
      assertTrue(
          Files.readAllLines(sandbox.auditLog()).stream()
              .anyMatch(
                  l ->
                      l.contains("\"subresource\":\"eviction\"")
                          && l.contains(blocked.getMetadata().getName())
                          && l.contains("\"code\":429")),
          "the simulator's evictions were refused by the PDB (429)");

      Wait.until(
          "node " + cordoned[0] + " to be terminated",
          WAIT,
          Duration.ofMillis(200),
          () -> {
            try {
              new CoreV1Api(client).readNode(cordoned[0]).execute();
              return Optional.of("still there");
            } catch (ApiException e) {
              return e.getCode() == 404 ? Optional.empty() : Optional.of("HTTP " + e.getCode());
            }
          });
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(
          seconds >= 9, "terminated after " + seconds + "s, before the 10 s eviction deadline");
      Wait.until(
          "the pods of terminated node " + cordoned[0] + " to vanish",
          WAIT,
          Duration.ofMillis(100),
          () ->
              gone(client, namespace, blocked.getMetadata().getName())
                  ? Optional.empty()
                  : Optional.of("pod " + blocked.getMetadata().getName() + " still there"));
      awaitUpdate(eks, "general", update.id(), new ArrayList<>());
    } finally {
      restore(aws, client, namespace);
    }
  }

  private static Update scale(EksClient eks, String group, int min, int desired, int max) {
    return eks.updateNodegroupConfig(
            r ->
                r.clusterName("dev")
                    .nodegroupName(group)
                    .scalingConfig(s -> s.minSize(min).desiredSize(desired).maxSize(max)))
        .update();
  }

  private static void awaitUpdate(EksClient eks, String group, String id, List<String> seen) {
    Wait.until(
        "update " + id + " of " + group + " to succeed",
        WAIT,
        Duration.ofMillis(100),
        () -> {
          String status =
              eks.describeUpdate(r -> r.name("dev").nodegroupName(group).updateId(id))
                  .update()
                  .statusAsString();
          if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
            seen.add(status);
          }
          if (status.equals("Failed")) {
            throw new AssertionError("update " + id + " failed");
          }
          return status.equals("Successful") ? Optional.empty() : Optional.of(status);
        });
  }

  static List<V1Node> groupNodes(ApiClient client, String group) {
    try {
      return new CoreV1Api(client)
          .listNode()
          .labelSelector(GROUP_LABEL + "=" + group)
          .execute()
          .getItems();
    } catch (ApiException e) {
      throw new IllegalStateException("listing nodes: HTTP " + e.getCode(), e);
    }
  }

  static void awaitNodes(ApiClient client, String group, int count) {
    Wait.until(
        count + " Ready nodes in group " + group,
        WAIT,
        Duration.ofMillis(100),
        () -> {
          List<V1Node> nodes = groupNodes(client, group);
          long ready =
              nodes.stream()
                  .filter(
                      n ->
                          n.getStatus() != null
                              && n.getStatus().getConditions() != null
                              && n.getStatus().getConditions().stream()
                                  .anyMatch(
                                      c ->
                                          c.getType().equals("Ready")
                                              && c.getStatus().equals("True")))
                  .count();
          return nodes.size() == count && ready == count
              ? Optional.empty()
              : Optional.of(ready + " Ready of " + nodes.size());
        });
  }

  private static List<String> podNames(ApiClient client, String namespace) throws ApiException {
    return new CoreV1Api(client)
        .listNamespacedPod(namespace).execute().getItems().stream()
            .map(p -> p.getMetadata().getName())
            .toList();
  }

  private static boolean gone(ApiClient client, String namespace, String pod) {
    try {
      new CoreV1Api(client).readNamespacedPod(pod, namespace).execute();
      return false;
    } catch (ApiException e) {
      return e.getCode() == 404;
    }
  }

  /** Puts general back to 5 nodes and EKS's eviction limit back, whatever the test did. */
  private static void restore(Aws aws, ApiClient client, String namespace) throws ApiException {
    Cluster.deleteNamespace(client, namespace);
    try (EksClient eks = aws.eks()) {
      Wait.until(
          "general to have no update in progress",
          WAIT,
          Duration.ofMillis(200),
          () ->
              eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("general"))
                      .nodegroup()
                      .statusAsString()
                      .equals("ACTIVE")
                  ? Optional.empty()
                  : Optional.of("UPDATING"));
      if (eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("general"))
              .nodegroup()
              .scalingConfig()
              .desiredSize()
          != 5) {
        scale(eks, "general", 0, 5, 10);
      }
      awaitNodes(client, "general", 5);
      Wait.until(
          "general's restore to finish",
          WAIT,
          Duration.ofMillis(200),
          () ->
              eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("general"))
                      .nodegroup()
                      .statusAsString()
                      .equals("ACTIVE")
                  ? Optional.empty()
                  : Optional.of("UPDATING"));
    } finally {
      aws.admin("settings", "{\"evictionTimeoutSeconds\":900}");
    }
  }
}
