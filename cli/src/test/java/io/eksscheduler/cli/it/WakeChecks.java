package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a woken cluster must show besides its objects being as before: every Node of the restored
 * groups Ready, every pod Ready (a Job's completed pods aside), every rollout done; the workloads
 * the wake woke Ready when it returns; and the wake's order, read from the pods themselves: no pod
 * of a workload created before every pod of what it depends on ({@code
 * eks-scheduler.io/depends-on}) was Ready.
 */
final class WakeChecks {
  static final String DEPENDS_ON = "eks-scheduler.io/depends-on";
  private static final Duration POLL = Duration.ofSeconds(1);

  private WakeChecks() {}

  /**
   * Waits until the cluster is whole again: as many Ready, schedulable Nodes as the Auto Scaling
   * groups want, every group's instances in service, every Deployment, StatefulSet and DaemonSet
   * rolled out, every pod Ready or Succeeded and none terminating. Returns how long that took.
   */
  static Duration awaitAwake(TestSandbox sandbox, Duration timeout) {
    long start = System.nanoTime();
    KubeJson kube = new KubeJson(sandbox.adminClient());
    Wait.until("the cluster to be awake", timeout, POLL, () -> notAwake(sandbox, kube));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static Optional<String> notAwake(TestSandbox sandbox, KubeJson kube) {
    List<String> pending = new ArrayList<>();
    WakeSnapshot aws = WakeSnapshot.capture(sandbox);
    pending.addAll(aws.groupsNotInService());
    List<JsonNode> nodes = kube.items("/api/v1/nodes");
    if (nodes.size() != aws.desiredNodes()) {
      pending.add(nodes.size() + " Nodes, not " + aws.desiredNodes());
    }
    for (JsonNode n : nodes) {
      if (!condition(n, "Ready") || n.path("spec").path("unschedulable").asBoolean(false)) {
        pending.add("Node " + name(n) + " not Ready or cordoned");
      }
    }
    pending.addAll(notRolledOut(kube));
    for (JsonNode p : kube.items("/api/v1/pods")) {
      String phase = p.path("status").path("phase").asText();
      if (p.path("metadata").has("deletionTimestamp")) {
        pending.add("pod " + id(p) + " terminating");
      } else if (!"Succeeded".equals(phase) && !condition(p, "Ready")) {
        pending.add("pod " + id(p) + " " + phase + ", not Ready");
      }
    }
    return pending.isEmpty() ? Optional.empty() : Optional.of(pending.toString());
  }

  /** Every Deployment, StatefulSet and DaemonSet whose rollout is not done, with why. */
  static List<String> notRolledOut(KubeJson kube) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : kube.items("/apis/apps/v1/deployments")) {
      notReady("Deployment", d).ifPresent(out::add);
    }
    for (JsonNode s : kube.items("/apis/apps/v1/statefulsets")) {
      notReady("StatefulSet", s).ifPresent(out::add);
    }
    for (JsonNode d : kube.items("/apis/apps/v1/daemonsets")) {
      JsonNode st = d.path("status");
      if (st.path("numberReady").asInt() != st.path("desiredNumberScheduled").asInt()) {
        out.add("DaemonSet " + id(d) + " " + st.path("numberReady") + " Ready");
      }
    }
    return out;
  }

  /**
   * The workloads among {@code woken} ("Deployment shop/api", as the wake's output names them) that
   * are not Ready now.
   */
  static List<String> notReady(KubeJson kube, List<String> woken) {
    List<String> out = new ArrayList<>();
    for (String w : woken) {
      String[] kindAndName = w.split(" ", 2);
      String[] nsAndName = kindAndName[1].split("/", 2);
      String plural =
          switch (kindAndName[0]) {
            case "Deployment" -> "deployments";
            case "StatefulSet" -> "statefulsets";
            default -> null;
          };
      if (plural == null) {
        continue; // CronJobs and Jobs have no readiness to wait for
      }
      Optional<JsonNode> o =
          kube.get("/apis/apps/v1/namespaces/" + nsAndName[0] + "/" + plural + "/" + nsAndName[1]);
      if (o.isEmpty()) {
        out.add(w + " is gone");
      } else {
        notReady(kindAndName[0], o.get()).ifPresent(out::add);
      }
    }
    return out;
  }

  private static Optional<String> notReady(String kind, JsonNode o) {
    int want = o.path("spec").path("replicas").asInt(1);
    JsonNode st = o.path("status");
    boolean observed =
        st.path("observedGeneration").asLong() >= o.path("metadata").path("generation").asLong();
    int ready = st.path("readyReplicas").asInt(0);
    int updated =
        "Deployment".equals(kind)
            ? st.path("updatedReplicas").asInt(0)
            : st.path("replicas").asInt(0);
    return observed && ready == want && updated == want
        ? Optional.empty()
        : Optional.of(kind + " " + id(o) + " " + ready + "/" + want + " Ready");
  }

  /**
   * For each workload that depends on others, whether its first pod was created only after the last
   * pod of each dependency was Ready; every pod compared must have been created after {@code
   * wakeStart} (by the wake, not left from before). One line per edge goes to {@code log}; the
   * problems are returned.
   */
  static List<String> dependencyOrder(KubeJson kube, Instant wakeStart, List<String> log) {
    // The API server keeps whole seconds.
    Instant since = wakeStart.truncatedTo(ChronoUnit.SECONDS);
    List<String> problems = new ArrayList<>();
    for (String plural : List.of("deployments", "statefulsets")) {
      for (JsonNode w : kube.items("/apis/apps/v1/" + plural)) {
        String deps = w.path("metadata").path("annotations").path(DEPENDS_ON).asText("");
        if (deps.isBlank()) {
          continue;
        }
        List<JsonNode> pods = pods(kube, w);
        Instant firstCreated = Instant.MAX;
        for (JsonNode p : pods) {
          Instant created = created(p);
          firstCreated = created.isBefore(firstCreated) ? created : firstCreated;
          if (created.isBefore(since)) {
            problems.add("pod " + id(p) + " was created at " + created + ", before the wake");
          }
        }
        if (pods.isEmpty()) {
          problems.add(id(w) + " has no pod");
          continue;
        }
        for (String dep : deps.split(",")) {
          Optional<JsonNode> d = workload(kube, dep.trim());
          if (d.isEmpty()) {
            problems.add(id(w) + " depends on " + dep + ", which does not exist");
            continue;
          }
          Instant lastReady = Instant.MIN;
          for (JsonNode p : pods(kube, d.get())) {
            Optional<Instant> ready = readySince(p);
            if (ready.isEmpty()) {
              problems.add("pod " + id(p) + " of " + dep + " is not Ready");
              continue;
            }
            lastReady = ready.get().isAfter(lastReady) ? ready.get() : lastReady;
            if (created(p).isBefore(since)) {
              problems.add("pod " + id(p) + " was created at " + created(p) + ", before the wake");
            }
          }
          log.add(
              dep
                  + " Ready at "
                  + lastReady
                  + "; first pod of "
                  + id(w)
                  + " created at "
                  + firstCreated);
          if (lastReady.isAfter(firstCreated)) {
            problems.add(
                id(w)
                    + " started a pod at "
                    + firstCreated
                    + ", before "
                    + dep
                    + " was Ready at "
                    + lastReady);
          }
        }
      }
    }
    return problems;
  }

  /** The Deployment or StatefulSet "ns/name". */
  static Optional<JsonNode> workload(KubeJson kube, String ref) {
    String[] nsAndName = ref.split("/", 2);
    for (String plural : List.of("deployments", "statefulsets")) {
      Optional<JsonNode> o =
          kube.get("/apis/apps/v1/namespaces/" + nsAndName[0] + "/" + plural + "/" + nsAndName[1]);
      if (o.isPresent()) {
        return o;
      }
    }
    return Optional.empty();
  }

  /** The pods a workload's selector (matchLabels) selects. */
  static List<JsonNode> pods(KubeJson kube, JsonNode workload) {
    List<String> terms = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> labels =
        workload.path("spec").path("selector").path("matchLabels").fields();
    labels.forEachRemaining(e -> terms.add(e.getKey() + "=" + e.getValue().asText()));
    return kube.items(
        "/api/v1/namespaces/"
            + workload.path("metadata").path("namespace").asText()
            + "/pods?labelSelector="
            + URLEncoder.encode(String.join(",", terms), StandardCharsets.UTF_8));
  }

  static Instant created(JsonNode o) {
    return Instant.parse(o.path("metadata").path("creationTimestamp").asText());
  }

  /** When the pod last turned Ready, empty when it is not Ready. */
  static Optional<Instant> readySince(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return Optional.of(Instant.parse(c.path("lastTransitionTime").asText()));
      }
    }
    return Optional.empty();
  }

  /** Waits until no Node is left, so that the AWS simulator has stopped writing. */
  static void awaitNoNode(KubeJson kube, Duration timeout) {
    Wait.until(
        "every Node to be gone",
        timeout,
        POLL,
        () -> {
          int n = kube.items("/api/v1/nodes").size();
          return n == 0 ? Optional.empty() : Optional.of(n + " Nodes");
        });
  }

  static String id(JsonNode o) {
    JsonNode meta = o.path("metadata");
    String ns = meta.path("namespace").asText("");
    return (ns.isEmpty() ? "" : ns + "/") + meta.path("name").asText();
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  private static boolean condition(JsonNode o, String type) {
    for (JsonNode c : o.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }
}
