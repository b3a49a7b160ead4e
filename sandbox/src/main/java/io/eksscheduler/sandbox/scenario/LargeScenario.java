package io.eksscheduler.sandbox.scenario;

import io.eksscheduler.sandbox.controlplane.KwokStages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the benchmark's scale scenario: one managed node group spread over three zones, the EKS
 * kube-system basics (CoreDNS, kube-proxy and aws-node on every node), a database that is slow to
 * turn Ready ({@link #DATABASE}) and Deployments of 50 replicas that depend on it until the pod
 * total is reached, so that a wake has a dependency chain to respect: the database first, then the
 * apps.
 */
public final class LargeScenario {

  public static final int DEFAULT_NODES = 100;
  public static final int DEFAULT_PODS = 3_000;

  /** The StatefulSet every generated Deployment depends on, as {@code namespace/name}. */
  public static final String DATABASE = "data/db";

  /** How long the database's pod takes from its start to Ready, before the speed factor. */
  public static final String DATABASE_READY_AFTER = "30s";

  private static final int REPLICAS_PER_DEPLOYMENT = 50;
  private static final int DEPLOYMENTS_PER_NAMESPACE = 5;

  private LargeScenario() {}

  /** A scenario of {@code nodes} nodes and {@code pods} pods in total (DaemonSet pods included). */
  public static Scenario generate(int nodes, int pods) {
    NodeGroup group =
        new NodeGroup(
            "general",
            true,
            0,
            nodes,
            Math.max(nodes, 1) + 20,
            List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"),
            "m5.2xlarge",
            "ON_DEMAND",
            Map.of("cpu", "8", "memory", "32386Mi", "pods", "58"),
            Map.of("cpu", "7910m", "memory", "31482Mi", "pods", "58"),
            Map.of(),
            List.of(),
            Map.of("eks-scheduler.io/tier", "load"));
    List<Map<String, Object>> manifests = new ArrayList<>();
    manifests.add(Manifests.daemonSet("kube-system", "kube-proxy"));
    manifests.add(Manifests.daemonSet("kube-system", "aws-node"));
    manifests.add(Manifests.deployment("kube-system", "coredns", 2));
    String[] database = DATABASE.split("/");
    manifests.add(Manifests.namespace(database[0]));
    manifests.add(Manifests.statefulSet(database[0], database[1], DATABASE_READY_AFTER));
    int remaining = Math.max(0, pods - 2 * nodes - 2 - 1);
    int index = 0;
    while (remaining > 0) {
      int replicas = Math.min(REPLICAS_PER_DEPLOYMENT, remaining);
      String namespace = "load-" + (index / DEPLOYMENTS_PER_NAMESPACE);
      if (index % DEPLOYMENTS_PER_NAMESPACE == 0) {
        manifests.add(Manifests.namespace(namespace));
      }
      Map<String, Object> deployment = Manifests.deployment(namespace, "svc-" + index, replicas);
      Manifests.annotate(deployment, "eks-scheduler.io/depends-on", DATABASE);
      manifests.add(deployment);
      remaining -= replicas;
      index++;
    }
    EksCluster defaults = EksCluster.defaults("large");
    EksCluster cluster =
        new EksCluster(
            defaults.name(),
            defaults.version(),
            defaults.accountId(),
            Map.of("eks-scheduler.io/hibernate", "enabled", "environment", "load-test"),
            defaults.identities(),
            defaults.launchDelay(),
            defaults.evictionTimeout());
    return new Scenario("large", "eu-west-1", cluster, List.of(group), List.of(), manifests);
  }

  /** Minimal manifests as the maps SnakeYAML would have produced. */
  static final class Manifests {

    private Manifests() {}

    static Map<String, Object> namespace(String name) {
      return object("v1", "Namespace", null, name);
    }

    static Map<String, Object> deployment(String namespace, String name, int replicas) {
      Map<String, Object> d = object("apps/v1", "Deployment", namespace, name);
      d.put(
          "spec",
          Map.of(
              "replicas", replicas,
              "selector", Map.of("matchLabels", Map.of("app", name)),
              "template", podTemplate(name, false)));
      return d;
    }

    /** One replica whose pod turns Ready {@code readyAfter} after it starts. */
    static Map<String, Object> statefulSet(String namespace, String name, String readyAfter) {
      Map<String, Object> s = object("apps/v1", "StatefulSet", namespace, name);
      Map<String, Object> template = new LinkedHashMap<>(podTemplate(name, false));
      Map<String, Object> metadata = new LinkedHashMap<>(asMap(template.get("metadata")));
      metadata.put("annotations", Map.of(KwokStages.READY_AFTER, readyAfter));
      template.put("metadata", metadata);
      s.put(
          "spec",
          Map.of(
              "serviceName",
              name,
              "replicas",
              1,
              "selector",
              Map.of("matchLabels", Map.of("app", name)),
              "template",
              template));
      return s;
    }

    static void annotate(Map<String, Object> object, String key, String value) {
      Map<String, Object> metadata = asMap(object.get("metadata"));
      Map<String, Object> annotations = new LinkedHashMap<>();
      if (metadata.get("annotations") != null) {
        annotations.putAll(asMap(metadata.get("annotations")));
      }
      annotations.put(key, value);
      metadata.put("annotations", annotations);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
      return (Map<String, Object>) value;
    }

    static Map<String, Object> daemonSet(String namespace, String name) {
      Map<String, Object> d = object("apps/v1", "DaemonSet", namespace, name);
      d.put(
          "spec",
          Map.of(
              "selector", Map.of("matchLabels", Map.of("app", name)),
              "template", podTemplate(name, true)));
      return d;
    }

    /**
     * A pod template; a node agent's (DaemonSet's) uses the host network and tolerates every taint,
     * the cordon's included, as kube-proxy and aws-node do; an app's tolerates none, so that a
     * cordoned node takes no replacement pod.
     */
    private static Map<String, Object> podTemplate(String name, boolean nodeAgent) {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("hostNetwork", nodeAgent);
      if (nodeAgent) {
        spec.put("tolerations", List.of(Map.of("operator", "Exists")));
      }
      spec.put(
          "containers",
          List.of(
              Map.of(
                  "name",
                  "main",
                  "image",
                  "public.ecr.aws/eks-sandbox/" + name + ":1.0",
                  "resources",
                  Map.of("requests", Map.of("cpu", "10m", "memory", "32Mi")))));
      return Map.of("metadata", Map.of("labels", Map.of("app", name)), "spec", spec);
    }

    private static Map<String, Object> object(
        String apiVersion, String kind, String namespace, String name) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("name", name);
      if (namespace != null) {
        metadata.put("namespace", namespace);
      }
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("apiVersion", apiVersion);
      object.put("kind", kind);
      object.put("metadata", metadata);
      return object;
    }
  }
}
