package io.eksscheduler.cli.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The manifests that run a fleet from a management cluster: a Namespace, the runner's
 * ServiceAccount, the fleet file and the clusters' own playbooks in a ConfigMap, and one CronJob
 * per cluster running {@code reconcile} for it. Pure: what to render is all in its arguments.
 */
public final class FleetManifests {
  /** The label every rendered object carries, with the fleet's name: for {@code apply --prune}. */
  public static final String FLEET_LABEL = "eks-scheduler.io/fleet";

  /** Where the pod mounts the ConfigMap. */
  public static final String MOUNT = "/etc/eks-scheduler/fleet";

  /** The fleet file's key in the ConfigMap. */
  public static final String FLEET_KEY = "fleet.yaml";

  /** The container's name, which the pod failure policy names. */
  public static final String CONTAINER = "reconcile";

  /**
   * The exit codes that end a Job at once: usage (2) and another runner holding the cluster (4).
   */
  public static final List<Integer> FINAL_EXIT_CODES = List.of(2, 4);

  /** A CronJob's name: at most 52 characters (its Jobs add 11). */
  public static final int MAX_NAME = 52;

  /** The runner's user: the image's, non-root. */
  public static final long USER = 10001;

  /**
   * How long the engine may take to cancel its steps and save the run on SIGTERM, and then some.
   */
  public static final int GRACE_SECONDS = 90;

  /**
   * What to render besides the fleet.
   *
   * @param image the runner's image
   * @param every minutes between two reconciles of a cluster: a divisor of 60
   * @param namespace the management cluster's namespace for all of it
   * @param irsaRoleArn the role for the ServiceAccount's IRSA annotation, if any
   * @param webhookEnvSecret the Secret whose keys become the pod's environment (the webhook's URL
   *     when the fleet reads it from an environment variable)
   */
  public record Options(
      String image,
      int every,
      String namespace,
      Optional<String> irsaRoleArn,
      String webhookEnvSecret) {}

  /**
   * One cluster's Job settings.
   *
   * @param cluster the fleet entry
   * @param deadline the Job's activeDeadlineSeconds: at least its playbooks' bound
   */
  public record ClusterJob(Fleet.Cluster cluster, Duration deadline) {}

  /** A file of the ConfigMap: its key and its path below the mount. */
  public record File(String key, String path, String text) {}

  private FleetManifests() {}

  /** Every manifest, in the order to apply them; the fleet file is the first of {@code files}. */
  public static List<Map<String, Object>> render(
      Fleet fleet, List<File> files, List<ClusterJob> jobs, Options options) {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(object("v1", "Namespace", options.namespace(), null, fleet));
    Map<String, Object> sa =
        object("v1", "ServiceAccount", SERVICE_ACCOUNT, options.namespace(), fleet);
    options
        .irsaRoleArn()
        .ifPresent(arn -> meta(sa).put("annotations", map("eks.amazonaws.com/role-arn", arn)));
    out.add(sa);
    Map<String, Object> cm =
        object("v1", "ConfigMap", configMapName(fleet), options.namespace(), fleet);
    Map<String, Object> data = new LinkedHashMap<>();
    files.forEach(f -> data.put(f.key(), f.text()));
    cm.put("data", data);
    out.add(cm);
    fleet
        .webhookUrlFrom()
        .flatMap(Fleet.UrlSource::secretName)
        .ifPresent(secret -> out.addAll(secretReader(fleet, secret, options.namespace())));
    for (ClusterJob job : jobs) {
      out.add(cronJob(fleet, files, job, options));
    }
    return out;
  }

  /** The ServiceAccount the CronJobs' pods run as. */
  public static final String SERVICE_ACCOUNT = "eks-scheduler";

  /** The ConfigMap of a fleet: {@code fleet-NAME}, as {@link #name} makes names. */
  public static String configMapName(Fleet fleet) {
    return name("fleet-" + fleet.name(), 63);
  }

  /**
   * A DNS-1123 name for {@code text} of at most {@code max} characters: the text itself when it is
   * one, else lower case, other characters as {@code -}, cut to length, and a short hash of the
   * text, so that names that differ only in case or in the characters changed stay apart.
   */
  public static String name(String text, int max) {
    if (text.length() <= max && text.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      return text;
    }
    String hash = HexFormat.of().formatHex(sha256(text)).substring(0, 8);
    String base =
        text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-");
    base = base.replaceAll("^-+", "");
    int room = max - hash.length() - 1;
    if (base.length() > room) {
      base = base.substring(0, room);
    }
    base = base.replaceAll("-+$", "");
    return base.isEmpty() ? "c-" + hash : base + "-" + hash;
  }

  /** The CronJob of a cluster. */
  public static String cronJobName(Fleet.Cluster cluster) {
    return name(cluster.name(), MAX_NAME);
  }

  /**
   * The cron schedule of a cluster: every {@code every} minutes, from a minute offset of its own
   * (from its name's hash) so that a fleet's Jobs do not all start in the same minute.
   */
  public static String schedule(Fleet.Cluster cluster, int every) {
    if (every == 1) {
      return "* * * * *";
    }
    int offset = Byte.toUnsignedInt(sha256(cluster.name())[0]) % every;
    return every == 60 ? offset + " * * * *" : offset + "-59/" + every + " * * * *";
  }

  private static Map<String, Object> cronJob(
      Fleet fleet, List<File> files, ClusterJob job, Options options) {
    Fleet.Cluster c = job.cluster();
    Map<String, Object> cron =
        object("batch/v1", "CronJob", cronJobName(c), options.namespace(), fleet);
    labels(cron).put("eks-scheduler.io/cluster", name(c.name(), 63));
    meta(cron).put("annotations", map("eks-scheduler.io/cluster-name", c.name()));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("schedule", schedule(c, options.every()));
    spec.put("timeZone", "Etc/UTC");
    spec.put("concurrencyPolicy", "Forbid");
    spec.put("startingDeadlineSeconds", options.every() * 60);
    spec.put("successfulJobsHistoryLimit", 1);
    spec.put("failedJobsHistoryLimit", 3);
    Map<String, Object> jobSpec = new LinkedHashMap<>();
    jobSpec.put("backoffLimit", 3);
    jobSpec.put("activeDeadlineSeconds", job.deadline().toSeconds());
    jobSpec.put("ttlSecondsAfterFinished", 6 * 3600);
    jobSpec.put(
        "podFailurePolicy",
        map(
            "rules",
            List.of(
                map(
                    "action",
                    "FailJob",
                    "onExitCodes",
                    map("containerName", CONTAINER, "operator", "In", "values", FINAL_EXIT_CODES)),
                map(
                    "action",
                    "Ignore",
                    "onPodConditions",
                    List.of(map("type", "DisruptionTarget"))))));
    Map<String, Object> podLabels = new LinkedHashMap<>();
    podLabels.put(FLEET_LABEL, name(fleet.name(), 63));
    podLabels.put("eks-scheduler.io/cluster", name(c.name(), 63));
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("serviceAccountName", SERVICE_ACCOUNT);
    pod.put("restartPolicy", "Never");
    pod.put("terminationGracePeriodSeconds", GRACE_SECONDS);
    pod.put(
        "securityContext",
        map(
            "runAsNonRoot",
            true,
            "runAsUser",
            USER,
            "runAsGroup",
            USER,
            "fsGroup",
            USER,
            "seccompProfile",
            map("type", "RuntimeDefault")));
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", CONTAINER);
    container.put("image", options.image());
    container.put("args", args(c, files.get(0).path()));
    container.put("workingDir", "/work");
    container.put("env", List.of(map("name", "HOME", "value", "/work")));
    container.put(
        "envFrom",
        List.of(map("secretRef", map("name", options.webhookEnvSecret(), "optional", true))));
    container.put(
        "resources",
        map("requests", map("cpu", "100m", "memory", "384Mi"), "limits", map("memory", "768Mi")));
    container.put(
        "securityContext",
        map(
            "allowPrivilegeEscalation",
            false,
            "readOnlyRootFilesystem",
            true,
            "capabilities",
            map("drop", List.of("ALL"))));
    container.put(
        "volumeMounts",
        List.of(
            map("name", "fleet", "mountPath", MOUNT, "readOnly", true),
            map("name", "work", "mountPath", "/work"),
            map("name", "tmp", "mountPath", "/tmp")));
    pod.put("containers", List.of(container));
    List<Object> items = new ArrayList<>();
    files.forEach(f -> items.add(map("key", f.key(), "path", f.path())));
    pod.put(
        "volumes",
        List.of(
            map("name", "fleet", "configMap", map("name", configMapName(fleet), "items", items)),
            map("name", "work", "emptyDir", map("sizeLimit", "256Mi")),
            map("name", "tmp", "emptyDir", map("sizeLimit", "256Mi"))));
    jobSpec.put("template", map("metadata", map("labels", podLabels), "spec", pod));
    spec.put(
        "jobTemplate",
        map("metadata", map("labels", new LinkedHashMap<>(podLabels)), "spec", jobSpec));
    cron.put("spec", spec);
    return cron;
  }

  /**
   * Exactly what a pod runs for {@code cluster}, the fleet file at {@code fleetPath} below the
   * mount: nothing left to defaults.
   */
  public static List<String> args(Fleet.Cluster cluster, String fleetPath) {
    return List.of(
        "reconcile",
        "--fleet",
        MOUNT + "/" + fleetPath,
        "--cluster",
        cluster.name(),
        "--eks-login",
        "--state",
        "kubernetes");
  }

  /** A Role and its binding that let the runner read the webhook's Secret, and nothing else. */
  private static List<Map<String, Object>> secretReader(Fleet fleet, String secret, String ns) {
    String roleName = "eks-scheduler-webhook-secret";
    Map<String, Object> role = object("rbac.authorization.k8s.io/v1", "Role", roleName, ns, fleet);
    role.put(
        "rules",
        List.of(
            map(
                "apiGroups",
                List.of(""),
                "resources",
                List.of("secrets"),
                "resourceNames",
                List.of(secret),
                "verbs",
                List.of("get"))));
    Map<String, Object> binding =
        object("rbac.authorization.k8s.io/v1", "RoleBinding", roleName, ns, fleet);
    binding.put(
        "roleRef", map("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", roleName));
    binding.put(
        "subjects",
        List.of(map("kind", "ServiceAccount", "name", SERVICE_ACCOUNT, "namespace", ns)));
    return List.of(role, binding);
  }

  private static Map<String, Object> object(
      String apiVersion, String kind, String name, String namespace, Fleet fleet) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", apiVersion);
    m.put("kind", kind);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put(FLEET_LABEL, name(fleet.name(), 63));
    labels.put("app.kubernetes.io/managed-by", "eks-scheduler");
    meta.put("labels", labels);
    m.put("metadata", meta);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> meta(Map<String, Object> object) {
    return (Map<String, Object>) object.get("metadata");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> labels(Map<String, Object> object) {
    return (Map<String, Object>) meta(object).get("labels");
  }

  /** An ordered map of alternating keys and values. */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
