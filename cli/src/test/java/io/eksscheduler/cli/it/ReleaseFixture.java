package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * What an interrupted stop of the previous release left, as files: its state directory ({@code
 * state/}, verbatim), the same stop's run in the cluster store ({@code store.yaml}: the namespace,
 * the run's Secret and its two Leases, what the API server generates left out), every Kubernetes
 * object it changed ({@code objects.yaml}, what controllers own left out), and {@code
 * cluster.yaml}: the Nodes it cordoned and the sizes, suspended processes and {@code
 * eks-scheduler.io/} tags of the node groups and Auto Scaling groups it changed. Put back on a
 * fresh dev scenario by {@link #load} (the state directory) or {@link #loadInCluster} (the cluster
 * store): both stops were killed at the same point and left the same objects and groups.
 */
final class ReleaseFixture {
  /** Where the fixture is, under the test resources. */
  static final String RESOURCE = "release-fixtures/interrupted-stop";

  /** The run id the release's stop was given. */
  static final String RUN_ID = "release-stop";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The kinds a stop changes: apiVersion and resource name. */
  private static final Map<String, String[]> KINDS =
      Map.ofEntries(
          Map.entry("Deployment", new String[] {"apps/v1", "deployments"}),
          Map.entry("StatefulSet", new String[] {"apps/v1", "statefulsets"}),
          Map.entry("DaemonSet", new String[] {"apps/v1", "daemonsets"}),
          Map.entry("CronJob", new String[] {"batch/v1", "cronjobs"}),
          Map.entry("Job", new String[] {"batch/v1", "jobs"}),
          Map.entry(
              "HorizontalPodAutoscaler",
              new String[] {"autoscaling/v2", "horizontalpodautoscalers"}),
          Map.entry("ScaledObject", new String[] {"keda.sh/v1alpha1", "scaledobjects"}),
          Map.entry("NodePool", new String[] {"karpenter.sh/v1", "nodepools"}),
          Map.entry("Application", new String[] {"argoproj.io/v1alpha1", "applications"}),
          Map.entry(
              "Kustomization", new String[] {"kustomize.toolkit.fluxcd.io/v1", "kustomizations"}),
          Map.entry("HelmRelease", new String[] {"helm.toolkit.fluxcd.io/v2", "helmreleases"}),
          Map.entry("Service", new String[] {"v1", "services"}),
          Map.entry("PodDisruptionBudget", new String[] {"policy/v1", "poddisruptionbudgets"}));

  /**
   * The objects the dev scenario gained after the release: the static NodePool, which the release's
   * stop never saw (its pause step had succeeded before the stop was killed).
   */
  private static final List<String> NEWER_THAN_THE_RELEASE =
      List.of("/apis/karpenter.sh/v1/nodepools/ingress");

  private ReleaseFixture() {}

  /**
   * Makes the sandbox's fresh dev scenario the cluster the release stopped, before anything of it
   * is captured: removes what the scenario gained since.
   */
  static void asTheReleaseFoundIt(TestSandbox sandbox) {
    KubeJson kube = new KubeJson(sandbox.adminClient());
    NEWER_THAN_THE_RELEASE.forEach(kube::delete);
  }

  /**
   * Puts the fixture in {@code dir} on the sandbox's fresh dev scenario, as the release left it:
   * each object replaced by the fixture's (metadata annotations and labels, spec and the other
   * fields; a Job keeps the labels and selector the API server generated from its uid, which the
   * fixture leaves out), the Nodes cordoned, the groups' tags, suspended processes and sizes set;
   * and its state directory copied to {@code state}.
   */
  static void load(TestSandbox sandbox, Path dir, Path state) throws IOException {
    loadCluster(sandbox, dir);
    copy(dir.resolve("state"), state);
  }

  /**
   * Puts the fixture in {@code dir} on the sandbox's fresh dev scenario as {@link #load} does, but
   * with the run in the cluster store: the namespace, the run's Secret and its Leases created as
   * the release left them, except that each Lease says {@code leaseSeconds} instead of the
   * release's default 60, so that a runner takes the dead holder's Leases over without waiting a
   * minute.
   */
  static void loadInCluster(TestSandbox sandbox, Path dir, long leaseSeconds) throws IOException {
    loadCluster(sandbox, dir);
    KubeJson kube = new KubeJson(sandbox.adminClient());
    Load load = new Load(LoadSettings.builder().build());
    for (Object doc : load.loadAllFromString(Files.readString(dir.resolve("store.yaml")))) {
      ObjectNode object = JSON.valueToTree(doc);
      String kind = object.path("kind").asText();
      String ns = object.path("metadata").path("namespace").asText("");
      String collection =
          switch (kind) {
            case "Namespace" -> "/api/v1/namespaces";
            case "Secret" -> "/api/v1/namespaces/" + ns + "/secrets";
            case "Lease" -> "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases";
            default -> throw new IllegalStateException("store.yaml holds a " + kind);
          };
      if (kind.equals("Lease")) {
        ((ObjectNode) object.get("spec")).put("leaseDurationSeconds", leaseSeconds);
      }
      kube.post(collection, object);
    }
  }

  /** The objects, Nodes and groups of the fixture in {@code dir}, as the release left them. */
  private static void loadCluster(TestSandbox sandbox, Path dir) throws IOException {
    KubeJson kube = new KubeJson(sandbox.adminClient());
    Load load = new Load(LoadSettings.builder().build());
    for (Object doc : load.loadAllFromString(Files.readString(dir.resolve("objects.yaml")))) {
      if (doc != null) {
        replace(kube, JSON.valueToTree(doc));
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> cluster =
        (Map<String, Object>) load.loadFromString(Files.readString(dir.resolve("cluster.yaml")));
    @SuppressWarnings("unchecked")
    List<String> cordoned = (List<String>) cluster.get("cordonedNodes");
    for (String name : cordoned) {
      String path = "/api/v1/nodes/" + name;
      ObjectNode node =
          (ObjectNode)
              kube.get(path)
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "Node " + name + " of the fixture is not in the fresh scenario"));
      ((ObjectNode) node.with("spec")).put("unschedulable", true);
      kube.put(path, node);
    }
    groups(sandbox, cluster);
  }

  private static void replace(KubeJson kube, JsonNode fixture) {
    String kind = fixture.path("kind").asText();
    String[] type = KINDS.get(kind);
    JsonNode meta = fixture.path("metadata");
    String ns = meta.path("namespace").asText("");
    String path =
        (type[0].contains("/") ? "/apis/" : "/api/")
            + type[0]
            + (ns.isEmpty() ? "" : "/namespaces/" + ns)
            + "/"
            + type[1]
            + "/"
            + meta.path("name").asText();
    ObjectNode live =
        (ObjectNode)
            kube.get(path)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            kind + " " + path + " of the fixture is not in the fresh scenario"));
    ObjectNode out = live.deepCopy();
    out.remove("status");
    ObjectNode outMeta = (ObjectNode) out.get("metadata");
    for (String field : List.of("annotations", "labels")) {
      if (meta.has(field)) {
        outMeta.set(field, meta.get(field));
      } else {
        outMeta.remove(field);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = fixture.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!List.of("apiVersion", "kind", "metadata").contains(e.getKey())) {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    if (kind.equals("Job")) {
      // The labels and selector the API server generated from this Job's uid, which may not change.
      outMeta.set("labels", live.path("metadata").get("labels"));
      ((ObjectNode) out.get("spec")).set("selector", live.path("spec").get("selector"));
      ((ObjectNode) out.path("spec").path("template").path("metadata"))
          .set("labels", live.path("spec").path("template").path("metadata").get("labels"));
    }
    kube.put(path, out);
  }

  @SuppressWarnings("unchecked")
  private static void groups(TestSandbox sandbox, Map<String, Object> cluster) {
    try (EksClient eks = ClusterSnapshot.configure(EksClient.builder(), sandbox.aws()).build();
        AutoScalingClient asg =
            ClusterSnapshot.configure(AutoScalingClient.builder(), sandbox.aws()).build()) {
      Map<String, Map<String, Object>> nodegroups =
          (Map<String, Map<String, Object>>) cluster.get("nodegroups");
      nodegroups.forEach(
          (name, g) -> {
            var now =
                eks.describeNodegroup(
                        r -> r.clusterName(ClusterSnapshot.CLUSTER).nodegroupName(name))
                    .nodegroup();
            Map<String, String> tags = (Map<String, String>) g.get("tags");
            if (!tags.isEmpty()) {
              eks.tagResource(r -> r.resourceArn(now.nodegroupArn()).tags(tags));
            }
            int min = (Integer) g.get("min");
            int desired = (Integer) g.get("desired");
            int max = (Integer) g.get("max");
            var s = now.scalingConfig();
            if (s.minSize() != min || s.desiredSize() != desired || s.maxSize() != max) {
              eks.updateNodegroupConfig(
                  r ->
                      r.clusterName(ClusterSnapshot.CLUSTER)
                          .nodegroupName(name)
                          .scalingConfig(c -> c.minSize(min).desiredSize(desired).maxSize(max)));
            }
          });
      Map<String, Map<String, Object>> groups =
          (Map<String, Map<String, Object>>) cluster.get("autoScalingGroups");
      groups.forEach(
          (name, g) -> {
            Map<String, String> tags = (Map<String, String>) g.get("tags");
            tags.forEach(
                (k, v) ->
                    asg.createOrUpdateTags(
                        r ->
                            r.tags(
                                t ->
                                    t.resourceId(name)
                                        .resourceType("auto-scaling-group")
                                        .key(k)
                                        .value(v)
                                        .propagateAtLaunch(false))));
            List<String> suspended = (List<String>) g.getOrDefault("suspended", List.of());
            if (!suspended.isEmpty()) {
              asg.suspendProcesses(r -> r.autoScalingGroupName(name).scalingProcesses(suspended));
            }
            asg.updateAutoScalingGroup(
                r ->
                    r.autoScalingGroupName(name)
                        .minSize((Integer) g.get("min"))
                        .desiredCapacity((Integer) g.get("desired"))
                        .maxSize((Integer) g.get("max")));
          });
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
