package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.SuspendedProcess;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.Taint;

/**
 * Everything a stop and a start may change, as it is at one moment, for comparing the cluster after
 * a wake with the cluster before the stop: every workload, HPA, KEDA ScaledObject, Karpenter
 * NodePool, Argo CD Application, Flux Kustomization and HelmRelease, webhook configuration,
 * Service, PodDisruptionBudget and Namespace, whole (spec, labels, annotations), with only what
 * controllers own left out (status, resourceVersion, generation, managedFields, uid,
 * creationTimestamp, the deployment revision annotation); the EKS cluster's tags; every managed
 * node group's sizes, tags, labels and taints; every Auto Scaling group's sizes, suspended
 * processes, tags and instances.
 */
final class WakeSnapshot {
  /** The prefix of the annotations, labels and tags the tool writes (and of depends-on). */
  static final String TOOL_PREFIX = "eks-scheduler.io/";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Kubernetes lists compared, by the kind they hold. */
  private static final Map<String, String> LISTS =
      Map.ofEntries(
          Map.entry("Deployment", "/apis/apps/v1/deployments"),
          Map.entry("StatefulSet", "/apis/apps/v1/statefulsets"),
          Map.entry("DaemonSet", "/apis/apps/v1/daemonsets"),
          Map.entry("ReplicaSet", "/apis/apps/v1/replicasets"),
          Map.entry("CronJob", "/apis/batch/v1/cronjobs"),
          Map.entry("Job", "/apis/batch/v1/jobs"),
          Map.entry("HorizontalPodAutoscaler", "/apis/autoscaling/v2/horizontalpodautoscalers"),
          Map.entry("ScaledObject", "/apis/keda.sh/v1alpha1/scaledobjects"),
          Map.entry("NodePool", "/apis/karpenter.sh/v1/nodepools"),
          Map.entry("Application", "/apis/argoproj.io/v1alpha1/applications"),
          Map.entry("Kustomization", "/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations"),
          Map.entry("HelmRelease", "/apis/helm.toolkit.fluxcd.io/v2/helmreleases"),
          Map.entry(
              "ValidatingWebhookConfiguration",
              "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations"),
          Map.entry(
              "MutatingWebhookConfiguration",
              "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"),
          Map.entry("Service", "/api/v1/services"),
          Map.entry("PodDisruptionBudget", "/apis/policy/v1/poddisruptionbudgets"),
          Map.entry("Namespace", "/api/v1/namespaces"));

  /** The namespace the cluster store keeps runs in: the tool's own record, not cluster state. */
  static final String RUN_STORE = "eks-scheduler";

  /** True for the run store's namespace and what is in it. */
  static boolean inRunStore(JsonNode o) {
    JsonNode meta = o.path("metadata");
    return RUN_STORE.equals(meta.path("namespace").asText())
        || ("Namespace".equals(o.path("kind").asText(""))
            && RUN_STORE.equals(meta.path("name").asText()))
        || (!meta.has("namespace")
            && RUN_STORE.equals(meta.path("name").asText())
            && meta.path("labels").has("kubernetes.io/metadata.name"));
  }

  private static final List<String> CONTROLLER_METADATA =
      List.of("resourceVersion", "generation", "managedFields", "uid", "creationTimestamp");
  private static final String REVISION = "deployment.kubernetes.io/revision";

  private final Map<String, JsonNode> things;

  private WakeSnapshot(Map<String, JsonNode> things) {
    this.things = things;
  }

  /** Reads the sandbox's cluster and its AWS side now. */
  static WakeSnapshot capture(TestSandbox sandbox) {
    KubeJson kube = new KubeJson(sandbox.adminClient());
    Map<String, JsonNode> things = new TreeMap<>();
    LISTS.forEach(
        (kind, path) -> {
          for (JsonNode o : kube.items(path)) {
            if (!ownedByCronJob(o) && !inRunStore(o)) {
              things.put(id(kind, o), normalized(o));
            }
          }
        });
    SimulatorConfig aws = sandbox.aws();
    try (EksClient eks = ClusterSnapshot.configure(EksClient.builder(), aws).build();
        AutoScalingClient asg =
            ClusterSnapshot.configure(AutoScalingClient.builder(), aws).build()) {
      Cluster cluster = eks.describeCluster(r -> r.name(ClusterSnapshot.CLUSTER)).cluster();
      ObjectNode c = NODES.objectNode().put("status", cluster.statusAsString());
      c.set("tags", JSON.valueToTree(new TreeMap<>(cluster.tags())));
      things.put("cluster " + cluster.name(), c);
      for (String name :
          eks.listNodegroupsPaginator(r -> r.clusterName(ClusterSnapshot.CLUSTER)).nodegroups()) {
        Nodegroup g =
            eks.describeNodegroup(r -> r.clusterName(ClusterSnapshot.CLUSTER).nodegroupName(name))
                .nodegroup();
        things.put("nodegroup " + name, nodegroup(g));
      }
      for (AutoScalingGroup g : asg.describeAutoScalingGroupsPaginator().autoScalingGroups()) {
        // The account may hold other clusters (a fleet): only dev's groups.
        boolean devs =
            g.tags().stream()
                .anyMatch(t -> t.key().equals("kubernetes.io/cluster/" + ClusterSnapshot.CLUSTER));
        if (devs) {
          things.put("asg " + g.autoScalingGroupName(), autoScalingGroup(g));
        }
      }
    }
    return new WakeSnapshot(things);
  }

  /**
   * What differs in this snapshot from {@code before}, one line per field: "Deployment shop/api
   * /spec/replicas: 2 -> 0"; things that appeared or disappeared too.
   */
  List<String> differencesFrom(WakeSnapshot before) {
    List<String> out = new ArrayList<>();
    Set<String> ids = new TreeSet<>(before.things.keySet());
    ids.addAll(things.keySet());
    for (String id : ids) {
      JsonNode was = before.things.get(id);
      JsonNode now = things.get(id);
      if (was == null) {
        out.add(id + ": appeared");
      } else if (now == null) {
        out.add(id + ": disappeared");
      } else {
        diff(id + " ", was, now, out);
      }
    }
    return out;
  }

  /** The things whose id starts with {@code prefix} ("ValidatingWebhookConfiguration "). */
  Map<String, JsonNode> startingWith(String prefix) {
    Map<String, JsonNode> out = new TreeMap<>();
    things.forEach(
        (id, v) -> {
          if (id.startsWith(prefix)) {
            out.put(id, v);
          }
        });
    return out;
  }

  /** The tags of the EKS cluster, its node groups and the Auto Scaling groups, by their id. */
  Map<String, JsonNode> awsTags() {
    Map<String, JsonNode> out = new TreeMap<>();
    things.forEach(
        (id, v) -> {
          if (id.startsWith("cluster ") || id.startsWith("nodegroup ") || id.startsWith("asg ")) {
            out.put(id, v.path("tags"));
          }
        });
    return out;
  }

  /** How many nodes the Auto Scaling groups want in all (managed groups are backed by one each). */
  int desiredNodes() {
    int total = 0;
    for (Map.Entry<String, JsonNode> e : things.entrySet()) {
      if (e.getKey().startsWith("asg ")) {
        total += e.getValue().path("desired").asInt();
      }
    }
    return total;
  }

  /** Auto Scaling groups whose instances are not all in service, as many as desired. */
  List<String> groupsNotInService() {
    List<String> out = new ArrayList<>();
    things.forEach(
        (id, g) -> {
          if (id.startsWith("asg ")
              && (g.path("instances").asInt() != g.path("desired").asInt()
                  || g.path("inService").asInt() != g.path("desired").asInt())) {
            out.add(id + " " + g);
          }
        });
    return out;
  }

  private static String id(String kind, JsonNode o) {
    JsonNode meta = o.path("metadata");
    String ns = meta.path("namespace").asText("");
    return kind + " " + (ns.isEmpty() ? "" : ns + "/") + meta.path("name").asText();
  }

  /** Jobs a CronJob started come and go with its schedule, whatever a stop does. */
  private static boolean ownedByCronJob(JsonNode o) {
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if ("CronJob".equals(ref.path("kind").asText())) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode normalized(JsonNode o) {
    ObjectNode n = o.deepCopy();
    n.remove("status");
    ObjectNode meta = (ObjectNode) n.path("metadata");
    meta.remove(CONTROLLER_METADATA);
    if (meta.get("annotations") instanceof ObjectNode annotations) {
      annotations.remove(REVISION);
      if (annotations.isEmpty()) {
        meta.remove("annotations");
      }
    }
    return n;
  }

  private static JsonNode nodegroup(Nodegroup g) {
    ObjectNode n =
        NODES
            .objectNode()
            .put("min", g.scalingConfig().minSize())
            .put("desired", g.scalingConfig().desiredSize())
            .put("max", g.scalingConfig().maxSize())
            .put("status", g.statusAsString());
    n.set("tags", JSON.valueToTree(new TreeMap<>(g.tags())));
    n.set("labels", JSON.valueToTree(new TreeMap<>(g.labels())));
    List<String> taints = new ArrayList<>();
    for (Taint t : g.taints()) {
      taints.add(t.key() + "=" + t.value() + ":" + t.effectAsString());
    }
    n.set("taints", JSON.valueToTree(taints));
    return n;
  }

  private static JsonNode autoScalingGroup(AutoScalingGroup g) {
    ObjectNode n =
        NODES
            .objectNode()
            .put("min", g.minSize())
            .put("desired", g.desiredCapacity())
            .put("max", g.maxSize())
            .put("instances", g.instances().size())
            .put(
                "inService",
                (int)
                    g.instances().stream()
                        .map(Instance::lifecycleStateAsString)
                        .filter("InService"::equals)
                        .count());
    Set<String> suspended = new TreeSet<>();
    for (SuspendedProcess p : g.suspendedProcesses()) {
      suspended.add(p.processName());
    }
    Map<String, String> tags = new TreeMap<>();
    for (TagDescription t : g.tags()) {
      tags.put(
          t.key(), t.value() + (Boolean.TRUE.equals(t.propagateAtLaunch()) ? " (at launch)" : ""));
    }
    n.set("suspended", JSON.valueToTree(suspended));
    n.set("tags", JSON.valueToTree(tags));
    return n;
  }

  private static void diff(String where, JsonNode was, JsonNode now, List<String> out) {
    if (was.equals(now)) {
      return;
    }
    if (was.isObject() && now.isObject()) {
      Set<String> names = new TreeSet<>();
      was.fieldNames().forEachRemaining(names::add);
      now.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        diff(
            where + "/" + name,
            was.has(name) ? was.get(name) : MissingNode.getInstance(),
            now.has(name) ? now.get(name) : MissingNode.getInstance(),
            out);
      }
      return;
    }
    if (was.isArray() && now.isArray() && was.size() == now.size()) {
      for (int i = 0; i < was.size(); i++) {
        diff(where + "/" + i, was.get(i), now.get(i), out);
      }
      return;
    }
    out.add(where + ": " + show(was) + " -> " + show(now));
  }

  private static String show(JsonNode n) {
    return n.isMissingNode() ? "(absent)" : n.toString();
  }
}
