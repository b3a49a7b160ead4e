package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.drain.DrainNodes;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.scenario.SimulatedNodes;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1TopologySpreadConstraint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * nodes.drain against the real API server: two nodes of their own, a Deployment spread over them,
 * and a budget that allows one disruption, so draining both nodes can never be met.
 */
@ExtendWith(SandboxExtension.class)
class DrainNodesIT {
  private static final String TAINT = "drain-it.eks-scheduler.io/dedicated";

  @TempDir Path state;
  private ApiClient client;
  private String namespace;
  private String group;
  private List<String> nodes;

  @BeforeEach
  void setUp(TestSandbox sandbox) throws Exception {
    client = sandbox.adminClient();
    long id = System.nanoTime() % 100_000;
    namespace = "drain-it-" + id;
    group = "drain-it-" + id;
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
    nodes = List.of(nodeName(id, 1), nodeName(id, 2));
    for (int i = 0; i < nodes.size(); i++) {
      core.createNode(node(nodes.get(i), "10.0.201." + (10 + i + (int) (id % 200)))).execute();
    }
    V1PodSpec spec =
        new V1PodSpec()
            .containers(List.of(new V1Container().name("app").image("example/app:1")))
            .terminationGracePeriodSeconds(2L)
            .nodeSelector(Map.of(SimulatedNodes.NODE_GROUP_LABEL, group))
            .tolerations(List.of(new V1Toleration().key(TAINT).operator("Exists")))
            .topologySpreadConstraints(
                List.of(
                    new V1TopologySpreadConstraint()
                        .maxSkew(1)
                        .topologyKey("kubernetes.io/hostname")
                        .whenUnsatisfiable("DoNotSchedule")
                        .labelSelector(
                            new V1LabelSelector().matchLabels(Map.of("app", "ledger")))));
    new AppsV1Api(client)
        .createNamespacedDeployment(
            namespace,
            new V1Deployment()
                .metadata(new V1ObjectMeta().name("ledger"))
                .spec(
                    new V1DeploymentSpec()
                        .replicas(2)
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "ledger")))
                        .template(
                            new V1PodTemplateSpec()
                                .metadata(new V1ObjectMeta().labels(Map.of("app", "ledger")))
                                .spec(spec))))
        .execute();
    new PolicyV1Api(client)
        .createNamespacedPodDisruptionBudget(
            namespace,
            new V1PodDisruptionBudget()
                .metadata(new V1ObjectMeta().name("ledger"))
                .spec(
                    new V1PodDisruptionBudgetSpec()
                        .maxUnavailable(new IntOrString(1))
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "ledger")))))
        .execute();
    await(
        "2 ledger pods Ready and the budget allowing 1", () -> readyPods() == 2 && allowed() == 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    core.deleteNamespace(namespace).execute();
    for (String n : nodes) {
      core.deleteNode(n).execute();
    }
  }

  @Test
  void aBudgetThatCanNeverBeMetFailsTheDrainBeforeAnyChange() throws Exception {
    RunState end = drain("fail", "1m");
    assertEquals(RunStatus.FAILED, end.status());
    String error = end.step("step").error();
    assertTrue(error.contains("can never be met"), error);
    assertTrue(error.contains(namespace + "/ledger (allows 1, 2 pods)"), error);
    for (String n : nodes) {
      V1Node node = new CoreV1Api(client).readNode(n).execute();
      assertFalse(Boolean.TRUE.equals(node.getSpec().getUnschedulable()), "not cordoned: " + n);
    }
    assertEquals(2, readyPods());
  }

  @Test
  void leaveToTerminationEvictsWhatTheBudgetAllowsAndNamesTheRest() throws Exception {
    RunState end = drain("leave-to-termination", "1m");
    assertEquals(RunStatus.SUCCEEDED, end.status(), String.valueOf(end.step("step").error()));
    Map<String, Object> out = end.step("step").outputs();
    assertEquals(1L, out.get("evicted"));
    List<?> left = (List<?>) out.get("leftToTermination");
    assertEquals(1, left.size(), left.toString());
    assertTrue(
        left.get(0).toString().contains("blocked by PodDisruptionBudget " + namespace + "/ledger"));
    for (String n : nodes) {
      assertTrue(new CoreV1Api(client).readNode(n).execute().getSpec().getUnschedulable());
    }
    assertEquals(1, podsOnNodes(), "one pod left on its node");
  }

  @Test
  void deleteBypassesTheBudgetAfterItsDeadline() throws Exception {
    RunState end = drain("delete", "2s");
    assertEquals(RunStatus.SUCCEEDED, end.status(), String.valueOf(end.step("step").error()));
    Map<String, Object> out = end.step("step").outputs();
    assertEquals(1L, out.get("evicted"));
    assertEquals(1L, out.get("deleted"));
    assertEquals(0, podsOnNodes(), "both nodes are empty");
  }

  private RunState drain(String policy, String budgetDeadline) throws Exception {
    return new PlaybookRuns(List.of(new DrainNodes()), client, state)
        .run(
            "r-" + policy,
            "nodes.drain",
            "      nodes: {nodegroup: "
                + group
                + "}\n      whenBudgetCannotBeMet: "
                + policy
                + "\n      budgetDeadline: "
                + budgetDeadline
                + "\n");
  }

  private List<V1Pod> ledgerPods() throws Exception {
    return new CoreV1Api(client)
        .listNamespacedPod(namespace)
        .labelSelector("app=ledger")
        .execute()
        .getItems();
  }

  private int readyPods() throws Exception {
    return (int)
        ledgerPods().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .filter(
                p ->
                    p.getStatus() != null
                        && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                            .anyMatch(
                                c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
            .count();
  }

  private int podsOnNodes() throws Exception {
    return (int)
        ledgerPods().stream()
            .filter(p -> p.getSpec().getNodeName() != null)
            .filter(p -> nodes.contains(p.getSpec().getNodeName()))
            .count();
  }

  private int allowed() throws Exception {
    var pdb =
        new PolicyV1Api(client).readNamespacedPodDisruptionBudget("ledger", namespace).execute();
    return pdb.getStatus() == null || pdb.getStatus().getDisruptionsAllowed() == null
        ? -1
        : pdb.getStatus().getDisruptionsAllowed();
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out after 60s waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private static String nodeName(long id, int i) {
    return "ip-10-0-201-" + (i + 2 * (id % 100)) + ".eu-west-1.compute.internal";
  }

  private V1Node node(String name, String ip) {
    return TestNodes.tainted(name, ip, group, TAINT, "2", "8Gi");
  }
}
