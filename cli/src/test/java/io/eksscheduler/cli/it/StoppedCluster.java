package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.eks.model.Nodegroup;

/**
 * What a finished stop must leave, judged against the cluster as it was before the stop: every node
 * group at zero and no Node left; every workload in scope, GitOps object and autoscaler paused; and
 * the originals recorded in the run's ledger and on the objects and groups exactly the values that
 * were there before, as docs/actions/*.md define them.
 */
final class StoppedCluster {
  private static final Duration NODES_GONE = Duration.ofMinutes(2);
  private static final JsonNode ZERO_LIMITS =
      JsonNodeFactory.instance.objectNode().put("cpu", "0").put("memory", "0");

  private StoppedCluster() {}

  /** Fails naming every difference between what {@code run} left and a hibernated cluster. */
  static void assertHibernated(TestSandbox sandbox, ClusterSnapshot before, RunState run) {
    assertEquals(RunStatus.SUCCEEDED, run.status(), "status of run " + run.runId());
    for (Map.Entry<String, StepState> step : run.steps().entrySet()) {
      assertEquals(StepStatus.SUCCEEDED, step.getValue().status(), "step " + step.getKey());
    }
    Map<String, Map<String, JsonNode>> expected = before.expectedOriginals(run.runId());
    Map<String, JsonNode> all = new TreeMap<>();
    for (Map.Entry<String, Map<String, JsonNode>> step : expected.entrySet()) {
      assertEquals(
          ClusterSnapshot.canonical(step.getValue()),
          ClusterSnapshot.canonical(originals(run.step(step.getKey()).ledger())),
          "the originals in the ledger of step " + step.getKey());
      all.putAll(step.getValue());
    }
    Set<String> cordoned = new TreeSet<>();
    before.nodeNames().forEach(n -> cordoned.add("cordoned:" + n));
    Set<String> ledger = new TreeSet<>(run.step("drain").ledger().keySet());
    Set<String> deletedKeys = new TreeSet<>(ledger);
    deletedKeys.removeIf(k -> !k.startsWith("deleted:"));
    ledger.removeAll(deletedKeys);
    assertEquals(cordoned, ledger, "the nodes in the ledger of step drain");
    // A pod deleted past a budget that can never be met is recorded before its deletion: those the
    // last attempt deleted are in its outputs; an attempt killed after the deletion leaves only the
    // record. In dev only CoreDNS's budget is such a budget.
    Object deleted = run.step("drain").outputs().getOrDefault("deletedPods", List.of());
    for (Object pod : (List<?>) deleted) {
      String key = "deleted:" + pod.toString().substring(0, pod.toString().indexOf(" on "));
      assertTrue(deletedKeys.contains(key), key + " in the ledger of step drain: " + deletedKeys);
    }
    for (String key : deletedKeys) {
      assertTrue(
          key.startsWith("deleted:kube-system/coredns-"),
          "only CoreDNS is deleted past its budget: " + deletedKeys);
    }

    KubeJson kube = new KubeJson(sandbox.adminClient());
    long start = System.nanoTime();
    Wait.until(
        "every Node to be gone",
        NODES_GONE,
        Duration.ofMillis(500),
        () -> {
          List<JsonNode> nodes = kube.items("/api/v1/nodes");
          return nodes.isEmpty() ? Optional.empty() : Optional.of(nodes.size() + " Nodes");
        });
    System.err.printf(
        "[stopped-cluster] no Node left %d ms after the run ended%n",
        Duration.ofNanos(System.nanoTime() - start).toMillis());

    ClusterSnapshot after = ClusterSnapshot.capture(sandbox);
    assertEquals(
        ClusterSnapshot.canonical(all),
        ClusterSnapshot.canonical(after.recordedOriginals()),
        "the originals recorded on objects and groups");
    List<String> problems = new ArrayList<>();
    groups(before, after, problems);
    workloads(before, after, problems);
    paused(before, after, problems);
    assertEquals(List.of(), problems, "what run " + run.runId() + " left");
  }

  private static Map<String, JsonNode> originals(Map<String, JsonNode> ledger) {
    Map<String, JsonNode> out = new TreeMap<>();
    ledger.forEach(
        (k, v) -> {
          if (k.startsWith("original:")) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static void groups(ClusterSnapshot before, ClusterSnapshot after, List<String> problems) {
    for (Map.Entry<String, Nodegroup> e : before.nodegroups().entrySet()) {
      Nodegroup now = after.nodegroups().get(e.getKey());
      int max = e.getValue().scalingConfig().maxSize();
      String sizes =
          now.scalingConfig().minSize()
              + "/"
              + now.scalingConfig().desiredSize()
              + "/"
              + now.scalingConfig().maxSize();
      if (!sizes.equals("0/0/" + max)) {
        problems.add("nodegroup " + e.getKey() + " is at " + sizes + ", not 0/0/" + max);
      }
    }
    for (Map.Entry<String, AutoScalingGroup> e : before.autoScalingGroups().entrySet()) {
      AutoScalingGroup now = after.autoScalingGroups().get(e.getKey());
      int max = e.getValue().maxSize();
      String sizes = now.minSize() + "/" + now.desiredCapacity() + "/" + now.maxSize();
      if (!sizes.equals("0/0/" + max)) {
        problems.add("asg " + e.getKey() + " is at " + sizes + ", not 0/0/" + max);
      }
      Set<String> suspended = new TreeSet<>(ClusterSnapshot.SUSPENDED_BY_STOP);
      suspended.addAll(ClusterSnapshot.suspended(e.getValue()));
      if (!suspended.equals(new TreeSet<>(ClusterSnapshot.suspended(now)))) {
        problems.add(
            "asg "
                + e.getKey()
                + " has "
                + ClusterSnapshot.suspended(now)
                + " suspended, not "
                + suspended);
      }
      if (!now.instances().isEmpty()) {
        problems.add("asg " + e.getKey() + " still has " + now.instances().size() + " instances");
      }
    }
  }

  private static void workloads(
      ClusterSnapshot before, ClusterSnapshot after, List<String> problems) {
    for (String id : before.workloadsInScope()) {
      JsonNode spec = after.object(id).path("spec");
      boolean asleep =
          id.startsWith("Deployment ") || id.startsWith("StatefulSet ")
              ? spec.path("replicas").asInt(1) == 0
              : spec.path("suspend").asBoolean(false);
      if (!asleep) {
        problems.add(id + " is not asleep: " + spec.path("replicas") + " " + spec.path("suspend"));
      }
    }
  }

  private static void paused(ClusterSnapshot before, ClusterSnapshot after, List<String> problems) {
    Map<String, Map<String, JsonNode>> expected = before.expectedOriginals("any");
    Set<String> ids = new TreeSet<>(expected.get("pause-gitops").keySet());
    ids.addAll(expected.get("pause-autoscalers").keySet());
    for (String key : ids) {
      String id = key.substring("original:".length());
      JsonNode o = after.object(id);
      boolean paused;
      if (id.startsWith("Application ")) {
        JsonNode automated = o.path("spec").path("syncPolicy").get("automated");
        paused = automated == null || automated.isNull();
      } else if (id.startsWith("Kustomization ") || id.startsWith("HelmRelease ")) {
        paused = o.path("spec").path("suspend").asBoolean(false);
      } else if (id.startsWith("NodePool ") && o.path("spec").has("replicas")) {
        paused = o.path("spec").path("replicas").asInt(-1) == 0;
      } else if (id.startsWith("NodePool ")) {
        paused = ZERO_LIMITS.equals(o.path("spec").path("limits"));
      } else if (id.startsWith("ScaledObject ")) {
        paused =
            "0"
                .equals(
                    o.path("metadata")
                        .path("annotations")
                        .path("autoscaling.keda.sh/paused-replicas")
                        .asText());
      } else {
        paused = o.path("spec").path("replicas").asInt(1) == 0;
      }
      if (!paused) {
        problems.add(id + " is not paused");
      }
    }
  }
}
