package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.pausing.PauseAutoscalers;
import io.eksscheduler.actions.pausing.ResumeAutoscalers;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * autoscaler.pause and autoscaler.resume against the real API server and the add-ons' upstream CRDs
 * (which prune and validate what the actions write), on objects of their own: a
 * cluster-autoscaler-like Deployment, two dynamic Karpenter NodePools (one without limits) with
 * NodeClaims, a static NodePool ({@code spec.replicas}) with a NodeClaim, and two KEDA
 * ScaledObjects (one already paused at 2 replicas by its owner).
 */
@ExtendWith(SandboxExtension.class)
class AutoscalerPauseIT {
  private static final String ORIGINAL = "eks-scheduler.io/original";
  private static final String KARPENTER = "karpenter.sh";
  private static final String KEDA = "keda.sh";
  private static final String PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";

  @TempDir Path state;
  private ApiClient client;
  private CustomObjectsApi custom;
  private PlaybookRuns runs;
  private String ns;
  private String pool;
  private String bare;
  private String other;
  private String fixed;

  @BeforeEach
  void setUp(TestSandbox sandbox) throws Exception {
    client = sandbox.adminClient();
    custom = new CustomObjectsApi(client);
    runs =
        new PlaybookRuns(List.of(new PauseAutoscalers(), new ResumeAutoscalers()), client, state);
    long id = System.nanoTime() % 100_000;
    ns = "autoscaler-it-" + id;
    pool = "autoscaler-it-" + id;
    bare = "autoscaler-it-bare-" + id;
    other = "autoscaler-it-other-" + id;
    fixed = "autoscaler-it-static-" + id;
    new CoreV1Api(client)
        .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns)))
        .execute();
    new AppsV1Api(client)
        .createNamespacedDeployment(
            ns,
            new V1Deployment()
                .metadata(new V1ObjectMeta().name("cluster-autoscaler"))
                .spec(
                    new V1DeploymentSpec()
                        .replicas(1)
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "ca")))
                        .template(
                            new V1PodTemplateSpec()
                                .metadata(new V1ObjectMeta().labels(Map.of("app", "ca")))
                                .spec(
                                    new V1PodSpec()
                                        .nodeSelector(Map.of("no-such-node", "true"))
                                        .containers(
                                            List.of(
                                                new V1Container()
                                                    .name("ca")
                                                    .image("example/ca:1")))))))
        .execute();
    createPool(pool, Map.of("cpu", "16", "nvidia.com/gpu", 2));
    createPool(bare, null);
    createStaticPool(fixed, 3);
    createClaim(pool + "-a", pool);
    createClaim(fixed + "-a", fixed);
    createClaim(other + "-a", other);
    createScaledObject("worker", Map.of("team", "shop"));
    createScaledObject("batch", Map.of(PAUSED_REPLICAS, "2"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String name : List.of(pool + "-a", other + "-a", fixed + "-a")) {
      deleteQuietly("nodeclaims", name);
    }
    for (String name : List.of(pool, bare, fixed)) {
      deleteQuietly("nodepools", name);
    }
    new CoreV1Api(client).deleteNamespace(ns).execute();
  }

  @Test
  void pauseRecordsOriginalsOnceDeletesNodeClaimsAndResumeRestoresEachObjectExactly()
      throws Exception {
    Map<String, Object> before = snapshot();
    String with =
        "      deployment: {namespace: "
            + ns
            + ", name: cluster-autoscaler}\n      nodePools: ["
            + pool
            + ", "
            + bare
            + ", "
            + fixed
            + "]\n      namespaces: ["
            + ns
            + "]\n";

    List<String> plan = runs.plan("autoscaler.pause", with);
    assertEquals(
        List.of(
            "Deployment " + ns + "/cluster-autoscaler: replicas 1 -> 0",
            "NodePool "
                + pool
                + ": limits {\"cpu\":\"16\",\"nvidia.com/gpu\":2} -> {\"cpu\":\"0\",\"memory\":\"0\"}",
            "NodePool " + pool + ": delete NodeClaim " + pool + "-a",
            "NodePool " + bare + ": limits (absent) -> {\"cpu\":\"0\",\"memory\":\"0\"}",
            "NodePool " + fixed + ": replicas 3 -> 0",
            "ScaledObject " + ns + "/batch: pausedReplicas \"2\" -> \"0\"",
            "ScaledObject " + ns + "/worker: pausedReplicas (absent) -> \"0\""),
        plan);
    assertEquals(before, snapshot(), "a dry run changes nothing");
    assertTrue(claimExists(pool + "-a"));

    RunState paused = runs.run("r-pause", "autoscaler.pause", with);
    assertEquals(RunStatus.SUCCEEDED, paused.status(), paused.step("step").error());
    V1Deployment ca =
        new AppsV1Api(client).readNamespacedDeployment("cluster-autoscaler", ns).execute();
    assertEquals(0, ca.getSpec().getReplicas());
    assertEquals(
        "{\"v\":1,\"run\":\"r-pause\",\"replicas\":1}",
        ca.getMetadata().getAnnotations().get(ORIGINAL));
    Map<String, Object> p = readPool(pool);
    assertEquals(Map.of("cpu", "0", "memory", "0"), spec(p).get("limits"));
    assertEquals(
        "{\"v\":1,\"run\":\"r-pause\",\"limits\":{\"cpu\":\"16\",\"nvidia.com/gpu\":2}}",
        annotations(p).get(ORIGINAL));
    assertEquals(
        "{\"v\":1,\"run\":\"r-pause\",\"limits\":null}", annotations(readPool(bare)).get(ORIGINAL));
    Map<String, Object> batch = readScaledObject("batch");
    assertEquals("0", annotations(batch).get(PAUSED_REPLICAS));
    assertEquals(
        "{\"v\":1,\"run\":\"r-pause\",\"pausedReplicas\":\"2\"}", annotations(batch).get(ORIGINAL));
    assertEquals("0", annotations(readScaledObject("worker")).get(PAUSED_REPLICAS));
    assertTrue(!claimExists(pool + "-a"), "the NodePool's NodeClaim is deleted");
    assertTrue(claimExists(other + "-a"), "another NodePool's NodeClaim is left");
    Map<String, Object> s = readPool(fixed);
    assertEquals(0L, ((Number) spec(s).get("replicas")).longValue());
    assertEquals(Map.of("nodes", "4"), spec(s).get("limits"), "a static pool keeps its limit");
    assertEquals("{\"v\":1,\"run\":\"r-pause\",\"replicas\":3}", annotations(s).get(ORIGINAL));
    assertTrue(claimExists(fixed + "-a"), "Karpenter removes a static pool's nodes itself");
    assertEquals(
        List.of("NodeClaim " + pool + "-a"),
        paused.step("step").outputs().get("deletedNodeClaims"));
    assertEquals(6, ((List<?>) paused.step("step").outputs().get("paused")).size());
    assertEquals(6, paused.step("step").ledger().size());

    Map<String, Object> asleep = snapshot();
    RunState again = runs.run("r-again", "autoscaler.pause", with);
    assertEquals(RunStatus.SUCCEEDED, again.status(), again.step("step").error());
    assertEquals(Map.of(), again.step("step").ledger(), "a second pause records nothing new");
    assertEquals(asleep, snapshot());

    RunState resumed = runs.run("r-wake", "autoscaler.resume", with);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), resumed.step("step").error());
    assertEquals(before, snapshot(), "each object exactly as before the pause");
    assertEquals(6, ((List<?>) resumed.step("step").outputs().get("resumed")).size());
    assertTrue(runs.plan("autoscaler.resume", with).isEmpty(), "nothing left to resume");
  }

  private void createPool(String name, Map<String, Object> limits) throws Exception {
    Map<String, Object> spec = new HashMap<>();
    spec.put("template", template());
    if (limits != null) {
      spec.put("limits", limits);
    }
    createPoolWithSpec(name, spec);
  }

  /** A static NodePool: its CRD allows no limit but nodes. */
  private void createStaticPool(String name, int replicas) throws Exception {
    createPoolWithSpec(
        name, Map.of("replicas", replicas, "limits", Map.of("nodes", "4"), "template", template()));
  }

  private static Map<String, Object> template() {
    return Map.of(
        "spec",
        Map.of(
            "nodeClassRef",
            Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", "default"),
            "requirements",
            List.of(
                Map.of(
                    "key",
                    "karpenter.sh/capacity-type",
                    "operator",
                    "In",
                    "values",
                    List.of("on-demand")))));
  }

  private void createPoolWithSpec(String name, Map<String, Object> spec) throws Exception {
    custom
        .createClusterCustomObject(
            KARPENTER,
            "v1",
            "nodepools",
            Map.of(
                "apiVersion",
                "karpenter.sh/v1",
                "kind",
                "NodePool",
                "metadata",
                Map.of("name", name),
                "spec",
                spec))
        .execute();
  }

  private void createClaim(String name, String nodePool) throws Exception {
    custom
        .createClusterCustomObject(
            KARPENTER,
            "v1",
            "nodeclaims",
            Map.of(
                "apiVersion",
                "karpenter.sh/v1",
                "kind",
                "NodeClaim",
                "metadata",
                Map.of("name", name, "labels", Map.of("karpenter.sh/nodepool", nodePool)),
                "spec",
                Map.of(
                    "nodeClassRef",
                    Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", "default"),
                    "requirements",
                    List.of(
                        Map.of(
                            "key",
                            "karpenter.sh/capacity-type",
                            "operator",
                            "In",
                            "values",
                            List.of("on-demand"))))))
        .execute();
  }

  private void createScaledObject(String name, Map<String, String> annotations) throws Exception {
    custom
        .createNamespacedCustomObject(
            KEDA,
            "v1alpha1",
            ns,
            "scaledobjects",
            Map.of(
                "apiVersion",
                "keda.sh/v1alpha1",
                "kind",
                "ScaledObject",
                "metadata",
                Map.of("name", name, "annotations", annotations),
                "spec",
                Map.of(
                    "scaleTargetRef",
                    Map.of("name", name),
                    "minReplicaCount",
                    1,
                    "triggers",
                    List.of(
                        Map.of(
                            "type",
                            "cpu",
                            "metadata",
                            Map.of("type", "Utilization", "value", "70"))))))
        .execute();
  }

  private void deleteQuietly(String plural, String name) throws Exception {
    try {
      custom.deleteClusterCustomObject(KARPENTER, "v1", plural, name).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private boolean claimExists(String name) throws Exception {
    try {
      custom.getClusterCustomObject(KARPENTER, "v1", "nodeclaims", name).execute();
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> readPool(String name) throws Exception {
    return (Map<String, Object>)
        custom.getClusterCustomObject(KARPENTER, "v1", "nodepools", name).execute();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> readScaledObject(String name) throws Exception {
    return (Map<String, Object>)
        custom.getNamespacedCustomObject(KEDA, "v1alpha1", ns, "scaledobjects", name).execute();
  }

  /** Each object's spec and annotations. */
  private Map<String, Object> snapshot() throws Exception {
    Map<String, Object> out = new HashMap<>();
    V1Deployment ca =
        new AppsV1Api(client).readNamespacedDeployment("cluster-autoscaler", ns).execute();
    out.put("ca.spec", ca.getSpec());
    out.put("ca.annotations", ca.getMetadata().getAnnotations());
    for (String name : List.of(pool, bare, fixed)) {
      Map<String, Object> p = readPool(name);
      out.put(name + ".spec", p.get("spec"));
      out.put(name + ".annotations", annotations(p));
    }
    for (String name : List.of("worker", "batch")) {
      Map<String, Object> so = readScaledObject(name);
      out.put(name + ".spec", so.get("spec"));
      out.put(name + ".annotations", annotations(so));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> obj) {
    return (Map<String, Object>) obj.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> annotations(Map<String, Object> obj) {
    Map<String, String> a =
        (Map<String, String>) ((Map<String, Object>) obj.get("metadata")).get("annotations");
    return a == null ? Map.of() : a;
  }
}
