package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.SuspendedProcess;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Nodegroup;

/**
 * Everything a stop changes, read at one moment: the workloads, the GitOps and autoscaler objects
 * (as raw JSON), the EKS managed node groups and the cluster's self-managed Auto Scaling groups
 * (through the AWS SDK pointed at the simulator), and the Nodes. Taken before a stop, it says which
 * originals the stop must record, as docs/actions/*.md define them; taken after, what the stop
 * left.
 */
final class ClusterSnapshot {
  /** The annotation (on objects) and the tag (on groups) holding an original. */
  static final String ORIGINAL = "eks-scheduler.io/original";

  static final String EXCLUDE = "eks-scheduler.io/exclude";
  static final String CLUSTER = "dev";

  /** What nodegroups.scale suspends on a self-managed group (docs/actions/nodegroups.scale.md). */
  static final List<String> SUSPENDED_BY_STOP =
      List.of("AZRebalance", "AlarmNotification", "ScheduledActions");

  /** The namespaces the stock playbook's sleep-workloads step excludes itself. */
  private static final Set<String> PLAYBOOK_EXCLUDED = Set.of("kube-system");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A kind of object a stop acts on, and where the API server serves it. */
  enum Kind {
    DEPLOYMENT("Deployment", "/apis/apps/v1", "deployments", true),
    STATEFULSET("StatefulSet", "/apis/apps/v1", "statefulsets", true),
    CRONJOB("CronJob", "/apis/batch/v1", "cronjobs", true),
    JOB("Job", "/apis/batch/v1", "jobs", true),
    APPLICATION("Application", "/apis/argoproj.io/v1alpha1", "applications", true),
    KUSTOMIZATION("Kustomization", "/apis/kustomize.toolkit.fluxcd.io/v1", "kustomizations", true),
    HELMRELEASE("HelmRelease", "/apis/helm.toolkit.fluxcd.io/v2", "helmreleases", true),
    NODEPOOL("NodePool", "/apis/karpenter.sh/v1", "nodepools", false),
    SCALEDOBJECT("ScaledObject", "/apis/keda.sh/v1alpha1", "scaledobjects", true);

    final String name;
    final String api;
    final String plural;
    final boolean namespaced;

    Kind(String name, String api, String plural, boolean namespaced) {
      this.name = name;
      this.api = api;
      this.plural = plural;
      this.namespaced = namespaced;
    }

    String all() {
      return api + "/" + plural;
    }

    /** "Deployment shop/api" or "NodePool default", as the actions name objects. */
    String id(JsonNode o) {
      JsonNode meta = o.path("metadata");
      return name
          + " "
          + (namespaced ? meta.path("namespace").asText() + "/" : "")
          + meta.path("name").asText();
    }
  }

  private final Map<String, JsonNode> objects;
  private final Map<String, Kind> kinds;
  private final Map<String, Nodegroup> nodegroups;
  private final Map<String, AutoScalingGroup> autoScalingGroups;
  private final List<JsonNode> nodes;
  private final Set<String> webhookNamespaces;
  private final Set<String> excludedNamespaces;

  private ClusterSnapshot(
      Map<String, JsonNode> objects,
      Map<String, Kind> kinds,
      Map<String, Nodegroup> nodegroups,
      Map<String, AutoScalingGroup> autoScalingGroups,
      List<JsonNode> nodes,
      Set<String> webhookNamespaces,
      Set<String> excludedNamespaces) {
    this.objects = objects;
    this.kinds = kinds;
    this.nodegroups = nodegroups;
    this.autoScalingGroups = autoScalingGroups;
    this.nodes = nodes;
    this.webhookNamespaces = webhookNamespaces;
    this.excludedNamespaces = excludedNamespaces;
  }

  /** Reads the sandbox's cluster and its AWS side now. */
  static ClusterSnapshot capture(TestSandbox sandbox) {
    KubeJson kube = new KubeJson(sandbox.adminClient());
    Map<String, JsonNode> objects = new TreeMap<>();
    Map<String, Kind> kinds = new TreeMap<>();
    for (Kind kind : Kind.values()) {
      for (JsonNode o : kube.items(kind.all())) {
        objects.put(kind.id(o), o);
        kinds.put(kind.id(o), kind);
      }
    }
    Set<String> webhookNamespaces = new TreeSet<>();
    for (String type : List.of("validating", "mutating")) {
      for (JsonNode config :
          kube.items("/apis/admissionregistration.k8s.io/v1/" + type + "webhookconfigurations")) {
        for (JsonNode hook : config.path("webhooks")) {
          JsonNode ns = hook.path("clientConfig").path("service").path("namespace");
          if (ns.isTextual()) {
            webhookNamespaces.add(ns.asText());
          }
        }
      }
    }
    Set<String> excludedNamespaces = new TreeSet<>();
    for (JsonNode ns : kube.items("/api/v1/namespaces")) {
      if (excluded(ns)) {
        excludedNamespaces.add(ns.path("metadata").path("name").asText());
      }
    }
    List<JsonNode> nodes = kube.items("/api/v1/nodes");
    Map<String, Nodegroup> nodegroups = new TreeMap<>();
    Map<String, AutoScalingGroup> groups = new TreeMap<>();
    SimulatorConfig aws = sandbox.aws();
    try (EksClient eks = configure(EksClient.builder(), aws).build();
        AutoScalingClient asg = configure(AutoScalingClient.builder(), aws).build()) {
      Set<String> managedAsgs = new TreeSet<>();
      for (String name : eks.listNodegroupsPaginator(r -> r.clusterName(CLUSTER)).nodegroups()) {
        Nodegroup g =
            eks.describeNodegroup(r -> r.clusterName(CLUSTER).nodegroupName(name)).nodegroup();
        nodegroups.put(name, g);
        if (g.resources() != null) {
          g.resources().autoScalingGroups().forEach(a -> managedAsgs.add(a.name()));
        }
      }
      Filter owned =
          Filter.builder().name("tag-key").values("kubernetes.io/cluster/" + CLUSTER).build();
      for (AutoScalingGroup g :
          asg.describeAutoScalingGroupsPaginator(r -> r.filters(owned)).autoScalingGroups()) {
        boolean managed =
            managedAsgs.contains(g.autoScalingGroupName())
                || g.tags().stream().anyMatch(t -> "eks:nodegroup-name".equals(t.key()));
        if (!managed) {
          groups.put(g.autoScalingGroupName(), g);
        }
      }
    }
    return new ClusterSnapshot(
        objects, kinds, nodegroups, groups, nodes, webhookNamespaces, excludedNamespaces);
  }

  /** An AWS SDK client builder pointed at the sandbox's simulator as its admin identity. */
  static <B extends AwsClientBuilder<B, ?>> B configure(B builder, SimulatorConfig c) {
    AwsIdentity id = c.identity("admin");
    builder
        .endpointOverride(URI.create(c.endpointUrl()))
        .region(Region.of(c.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
        .overrideConfiguration(
            o ->
                o.apiCallAttemptTimeout(Duration.ofSeconds(30))
                    .apiCallTimeout(Duration.ofMinutes(2)));
    if (builder instanceof AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(UrlConnectionHttpClient.builder());
    }
    return builder;
  }

  /** The Nodes' names. */
  List<String> nodeNames() {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.path("metadata").path("name").asText()));
    return out;
  }

  Map<String, Nodegroup> nodegroups() {
    return nodegroups;
  }

  Map<String, AutoScalingGroup> autoScalingGroups() {
    return autoScalingGroups;
  }

  /** The object named {@code id} ("Deployment shop/api"), or null. */
  JsonNode object(String id) {
    return objects.get(id);
  }

  /**
   * The originals the stock hibernate playbook must record when it starts from this snapshot, by
   * step and ledger key ({@code original:Deployment shop/api}, {@code original:nodegroup general}),
   * as docs/actions/*.md define them; each is also the value of the annotation or tag {@value
   * #ORIGINAL} on the object or group.
   */
  Map<String, Map<String, JsonNode>> expectedOriginals(String runId) {
    Map<String, Map<String, JsonNode>> out = new LinkedHashMap<>();
    out.put("pause-gitops", gitOpsOriginals(runId));
    out.put("pause-autoscalers", autoscalerOriginals(runId));
    out.put("sleep-workloads", workloadOriginals(runId));
    out.put("scale-to-zero", groupOriginals(runId));
    return out;
  }

  /** The ids ("Deployment shop/api") of the workloads the stop puts to sleep. */
  Set<String> workloadsInScope() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : objects.entrySet()) {
      Kind kind = kinds.get(e.getKey());
      JsonNode o = e.getValue();
      boolean workload =
          kind == Kind.DEPLOYMENT
              || kind == Kind.STATEFULSET
              || kind == Kind.CRONJOB
              || (kind == Kind.JOB && running(o));
      String ns = o.path("metadata").path("namespace").asText();
      if (workload
          && !excluded(o)
          && !PLAYBOOK_EXCLUDED.contains(ns)
          && !webhookNamespaces.contains(ns)
          && !excludedNamespaces.contains(ns)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** The namespaces of the workloads the stop puts to sleep. */
  Set<String> sleptNamespaces() {
    Set<String> out = new TreeSet<>();
    for (String id : workloadsInScope()) {
      out.add(objects.get(id).path("metadata").path("namespace").asText());
    }
    return out;
  }

  private Map<String, JsonNode> workloadOriginals(String runId) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (String id : workloadsInScope()) {
      JsonNode o = objects.get(id);
      Kind kind = kinds.get(id);
      ObjectNode original = original(runId);
      if (kind == Kind.DEPLOYMENT || kind == Kind.STATEFULSET) {
        original.put("replicas", o.path("spec").path("replicas").asInt(1));
      } else {
        original.put("suspend", o.path("spec").path("suspend").asBoolean(false));
      }
      out.put("original:" + id, original);
    }
    return out;
  }

  private Map<String, JsonNode> gitOpsOriginals(String runId) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : objects.entrySet()) {
      Kind kind = kinds.get(e.getKey());
      JsonNode o = e.getValue();
      if (excluded(o)) {
        continue;
      }
      if (kind == Kind.APPLICATION) {
        JsonNode automated = o.path("spec").path("syncPolicy").get("automated");
        if (automated != null && !automated.isNull()) {
          out.put("original:" + e.getKey(), original(runId).set("automated", automated));
        }
      } else if (kind == Kind.KUSTOMIZATION || kind == Kind.HELMRELEASE) {
        out.put(
            "original:" + e.getKey(), original(runId).set("suspend", field(o, "spec", "suspend")));
      }
    }
    return out;
  }

  private Map<String, JsonNode> autoscalerOriginals(String runId) {
    Map<String, JsonNode> out = new TreeMap<>();
    String autoscaler = "Deployment kube-system/cluster-autoscaler";
    if (objects.containsKey(autoscaler)) {
      out.put(
          "original:" + autoscaler,
          original(runId)
              .put("replicas", objects.get(autoscaler).path("spec").path("replicas").asInt(1)));
    }
    for (Map.Entry<String, JsonNode> e : objects.entrySet()) {
      Kind kind = kinds.get(e.getKey());
      JsonNode o = e.getValue();
      if (excluded(o)) {
        continue;
      }
      if (kind == Kind.NODEPOOL && o.path("spec").has("replicas")) {
        // A static NodePool: paused through its replicas, its limits untouched.
        out.put(
            "original:" + e.getKey(),
            original(runId).set("replicas", field(o, "spec", "replicas")));
      } else if (kind == Kind.NODEPOOL) {
        out.put(
            "original:" + e.getKey(), original(runId).set("limits", field(o, "spec", "limits")));
      } else if (kind == Kind.SCALEDOBJECT) {
        out.put(
            "original:" + e.getKey(),
            original(runId)
                .set(
                    "pausedReplicas",
                    field(o, "metadata", "annotations", "autoscaling.keda.sh/paused-replicas")));
      }
    }
    return out;
  }

  private Map<String, JsonNode> groupOriginals(String runId) {
    Map<String, JsonNode> out = new TreeMap<>();
    nodegroups.forEach(
        (name, g) ->
            out.put(
                "original:nodegroup " + name,
                original(runId)
                    .put("min", g.scalingConfig().minSize())
                    .put("desired", g.scalingConfig().desiredSize())
                    .put("max", g.scalingConfig().maxSize())));
    autoScalingGroups.forEach(
        (name, g) -> {
          List<String> before = suspended(g);
          List<String> suspended = new ArrayList<>(SUSPENDED_BY_STOP);
          suspended.removeAll(before);
          ObjectNode o =
              original(runId)
                  .put("min", g.minSize())
                  .put("desired", g.desiredCapacity())
                  .put("max", g.maxSize());
          o.set("suspendedBefore", strings(before));
          o.set("suspended", strings(suspended));
          out.put("original:asg " + name, o);
        });
    return out;
  }

  /**
   * The originals recorded on what this snapshot holds, keyed as the ledger keys them: the
   * annotation {@value #ORIGINAL} of each object and the tag of each group that carries one.
   */
  Map<String, JsonNode> recordedOriginals() {
    Map<String, JsonNode> out = new TreeMap<>();
    objects.forEach(
        (id, o) -> {
          JsonNode text = o.path("metadata").path("annotations").get(ORIGINAL);
          if (text != null) {
            out.put("original:" + id, parse(text.asText()));
          }
        });
    nodegroups.forEach(
        (name, g) -> {
          String tag = g.tags() == null ? null : g.tags().get(ORIGINAL);
          if (tag != null) {
            out.put("original:nodegroup " + name, parse(tag));
          }
        });
    autoScalingGroups.forEach(
        (name, g) ->
            g.tags().stream()
                .filter(t -> ORIGINAL.equals(t.key()))
                .map(TagDescription::value)
                .findFirst()
                .ifPresent(tag -> out.put("original:asg " + name, parse(tag))));
    return out;
  }

  /**
   * What a stop or its dry-run could change, one line per thing: each object's generation and
   * annotations, each Node's unschedulable flag and taints, each group's sizes, suspended
   * processes, tags and instances. Status written by controllers is left out: it moves on its own.
   */
  Map<String, String> digest() {
    Map<String, String> out = new TreeMap<>();
    objects.forEach(
        (id, o) ->
            out.put(
                id,
                "generation "
                    + o.path("metadata").path("generation").asText()
                    + " annotations "
                    + o.path("metadata").path("annotations")));
    for (JsonNode n : nodes) {
      out.put(
          "Node " + n.path("metadata").path("name").asText(),
          "unschedulable "
              + n.path("spec").path("unschedulable").asBoolean(false)
              + " taints "
              + n.path("spec").path("taints"));
    }
    nodegroups.forEach(
        (name, g) ->
            out.put("nodegroup " + name, g.scalingConfig() + " tags " + new TreeMap<>(g.tags())));
    autoScalingGroups.forEach(
        (name, g) ->
            out.put(
                "asg " + name,
                g.minSize()
                    + "/"
                    + g.desiredCapacity()
                    + "/"
                    + g.maxSize()
                    + " suspended "
                    + suspended(g)
                    + " tags "
                    + new TreeMap<>(tags(g))
                    + " instances "
                    + g.instances().size()));
    return out;
  }

  /**
   * The same values with every number as plain JSON reads it (the run's state reads integers as
   * longs), so that originals compare by value whichever reader produced them.
   */
  static Map<String, JsonNode> canonical(Map<String, JsonNode> values) {
    Map<String, JsonNode> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, parse(v.toString())));
    return out;
  }

  static List<String> suspended(AutoScalingGroup g) {
    List<String> out = new ArrayList<>();
    for (SuspendedProcess p : g.suspendedProcesses()) {
      out.add(p.processName());
    }
    Collections.sort(out);
    return out;
  }

  static Map<String, String> tags(AutoScalingGroup g) {
    Map<String, String> out = new LinkedHashMap<>();
    g.tags().forEach(t -> out.put(t.key(), t.value()));
    return out;
  }

  /** Whether a Job is still running: neither finished nor suspended by someone. */
  private static boolean running(JsonNode job) {
    if (job.path("spec").path("suspend").asBoolean(false)) {
      return false;
    }
    for (JsonNode c : job.path("status").path("conditions")) {
      String type = c.path("type").asText();
      if (("Complete".equals(type) || "Failed".equals(type))
          && "True".equals(c.path("status").asText())) {
        return false;
      }
    }
    return true;
  }

  private static boolean excluded(JsonNode o) {
    return "true".equals(o.path("metadata").path("annotations").path(EXCLUDE).asText());
  }

  private static ObjectNode original(String runId) {
    return NODES.objectNode().put("v", 1).put("run", runId);
  }

  /** The value at {@code path}, JSON null when absent (as an original records "absent"). */
  private static JsonNode field(JsonNode o, String... path) {
    JsonNode at = o;
    for (String p : path) {
      at = at.get(p);
      if (at == null) {
        return NullNode.getInstance();
      }
    }
    return at.deepCopy();
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode out = NODES.arrayNode();
    values.forEach(out::add);
    return out;
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("an original that is not JSON: " + text, e);
    }
  }
}
