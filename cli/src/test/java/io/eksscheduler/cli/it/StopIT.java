package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.kube.ManifestApplier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves {@code eks-scheduler stop} on the sandbox's dev cluster: its dry-run changes nothing
 * (neither in Kubernetes nor in AWS) and prints what the stock playbook's dry-run prints; the real
 * stop leaves every node group at zero and no Node, records exactly the originals that were there
 * before (in the run's ledger, on the objects and on the groups), never takes a workload below its
 * PodDisruptionBudget before putting it to sleep, deletes (naming it) the CoreDNS pod whose budget
 * can never be met instead of leaving it to hold its node for EKS's PodDisruptionBudget limit. Each
 * test starts from a fresh dev scenario, and the next test class finds one too.
 */
@ExtendWith(SandboxExtension.class)
class StopIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path HIBERNATE = ROOT.resolve("playbooks/hibernate.yaml");
  private static final Path WORK = Path.of("target", "stop-it");
  private static final Duration SETTLE = Duration.ofMinutes(3);

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void aDryRunChangesNothingAndPrintsWhatTheStockPlaybookPrints(TestSandbox sandbox)
      throws Exception {
    sandbox.reset();
    StopRuns runs = new StopRuns(sandbox, WORK.resolve("dry-run"));
    ClusterSnapshot before = ClusterSnapshot.capture(sandbox);
    CallLogs calls = CallLogs.from(sandbox);

    StopRuns.Finished stop = runs.run("stop-dry-run", null, runs.stop("--dry-run"));
    StopRuns.Finished run =
        runs.run("run-dry-run", null, runs.run(HIBERNATE, "-p", "cluster=dev", "--dry-run"));
    StopRuns.Finished json =
        runs.run("stop-dry-run-json", null, runs.stop("--dry-run", "--output", "json"));

    assertEquals(0, stop.code(), stop.toString());
    assertEquals(0, run.code(), run.toString());
    assertEquals(0, json.code(), json.toString());
    assertEquals(List.of(), calls.toolWrites(), "Kubernetes requests that changed something");
    assertTrue(
        calls.toolDryRuns() > 0,
        "the audit log holds the tool's server-side dry-runs (the drain's evictions)");
    assertEquals(List.of(), calls.awsWrites(), "AWS calls that changed something");
    assertFalse(calls.awsCalls().isEmpty(), "the simulator logged the dry-runs' AWS reads");
    assertEquals(before.digest(), ClusterSnapshot.capture(sandbox).digest());
    assertEquals(List.of(), runs.runIds(), "runs written by a dry-run");
    assertEquals(normalized(run.output()), normalized(stop.output()));
    theDrainIsPlannedOnWhatTheSleepLeaves(Predictions.plans(json.output()));
  }

  /**
   * The drain's plan comes after the sleep's and the autoscalers' effects: no pod of the workloads
   * of data/ or shop/ (all put to sleep) nor the cluster-autoscaler's is evicted or left in it, and
   * the suspended CronJob is kept, not changed.
   */
  private static void theDrainIsPlannedOnWhatTheSleepLeaves(Map<String, JsonNode> plans) {
    JsonNode drain = plans.get("drain");
    List<String> named = new ArrayList<>();
    drain.path("changes").forEach(c -> named.add(c.asText()));
    drain.path("predictedOutputs").path("leftToTermination").forEach(l -> named.add(l.asText()));
    for (String line : named) {
      // shop/debug-shell is a bare pod: no sleep touches it, the drain evicts it.
      assertFalse(
          line.contains("data/") || (line.contains("shop/") && !line.contains("shop/debug-shell")),
          line);
      // autoscaler.pause stopped the cluster-autoscaler before the drain: its pod is gone.
      assertFalse(line.contains("cluster-autoscaler"), line);
    }
    List<String> kept = new ArrayList<>();
    plans.get("sleep-workloads").path("unchanged").forEach(u -> kept.add(u.asText()));
    assertTrue(
        kept.contains(
            "CronJob batch/cleanup: already suspended, kept (suspended recorded as its original)"),
        kept.toString());
  }

  /**
   * A team's own order: the autoscalers paused after the sleep, the drain after them. The drain is
   * still previewed on what both leave, as the run then finds it, and every exact prediction holds.
   */
  @Test
  void aReorderedPlaybookIsPreviewedAsItRuns(TestSandbox sandbox) throws Exception {
    sandbox.reset();
    new ManifestApplier(sandbox.adminClient()).applyAll(optedOut());
    awaitSettled(new KubeJson(sandbox.adminClient()));
    Path reordered = Files.createDirectories(WORK).resolve("hibernate-reordered.yaml");
    String stock = Files.readString(HIBERNATE);
    String edited =
        stock
            .replace(
                "action: autoscaler.pause\n    needs: [preflight]",
                "action: autoscaler.pause\n    needs: [sleep-workloads]")
            .replace(
                "action: workloads.sleep\n    needs: [pause-gitops, pause-autoscalers]",
                "action: workloads.sleep\n    needs: [pause-gitops]")
            .replace(
                "action: nodes.drain\n    needs: [sleep-workloads]",
                "action: nodes.drain\n    needs: [pause-autoscalers]");
    assertEquals(3, countChanged(stock, edited), "the three steps of " + HIBERNATE);
    Files.writeString(reordered, edited);
    StopRuns runs = new StopRuns(sandbox, WORK.resolve("reordered"));
    StopRuns.Finished preview =
        runs.run(
            "reordered-preview",
            null,
            runs.stop("--playbook", reordered.toString(), "--dry-run", "--output", "json"));
    assertEquals(0, preview.code(), preview.toString());
    Map<String, JsonNode> predicted = Predictions.plans(preview.output());
    theDrainIsPlannedOnWhatTheSleepLeaves(predicted);
    assertTrue(
        predicted
            .get("sleep-workloads")
            .path("predictedOutputs")
            .path("excluded")
            .toString()
            .contains("reports/reports"),
        predicted.get("sleep-workloads").toString());
    assertEquals(
        2,
        count(predicted.get("drain").path("changes"), "reports/"),
        "the opted-out workload's pods are evicted: " + predicted.get("drain"));

    StopRuns.Finished stop =
        runs.run(
            "reordered-stop",
            null,
            runs.stop("--playbook", reordered.toString(), "--run-id", "stop-reordered"));
    assertEquals(0, stop.code(), stop.toString());
    RunState state = runs.state("stop-reordered").orElseThrow();
    Predictions.assertHeld("stop-it reordered", predicted, state);
  }

  /**
   * A workload its team opted out of the sleep ({@code eks-scheduler.io/exclude: "true"}): left
   * running by the sleep, so the drain evicts its two pods. Its grace period is the 3 s the fast
   * sandbox gives the scenario's pods (Kubernetes's 30 s default over the speed factor 10), so the
   * drain does not wait real time on it.
   */
  private static List<Map<String, Object>> optedOut() {
    Map<String, Object> labels = Map.of("app", "reports");
    return List.of(
        Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "reports")),
        Map.of(
            "apiVersion",
            "apps/v1",
            "kind",
            "Deployment",
            "metadata",
            Map.of(
                "name",
                "reports",
                "namespace",
                "reports",
                "annotations",
                Map.of("eks-scheduler.io/exclude", "true")),
            "spec",
            Map.of(
                "replicas",
                2,
                "selector",
                Map.of("matchLabels", labels),
                "template",
                Map.of(
                    "metadata",
                    Map.of("labels", labels),
                    "spec",
                    Map.of(
                        "terminationGracePeriodSeconds",
                        3,
                        "containers",
                        List.of(
                            Map.of(
                                "name",
                                "reports",
                                "image",
                                "public.ecr.aws/shop/reports:1.0")))))));
  }

  private static int count(JsonNode lines, String part) {
    int n = 0;
    for (JsonNode l : lines) {
      n += l.asText().contains(part) ? 1 : 0;
    }
    return n;
  }

  private static int countChanged(String before, String after) {
    List<String> a = before.lines().toList();
    List<String> b = after.lines().toList();
    int changed = 0;
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      changed += a.get(i).equals(b.get(i)) ? 0 : 1;
    }
    return changed;
  }

  @Test
  void aStopHonoursBudgetsRecordsOriginalsAndLeavesNoNode(TestSandbox sandbox) throws Exception {
    sandbox.reset();
    KubeJson kube = new KubeJson(sandbox.adminClient());
    awaitSettled(kube);
    theBudgetWatchSeesPodsDeletedBehindABudgetsBack(kube);
    awaitSettled(kube);
    StopRuns runs = new StopRuns(sandbox, WORK.resolve("stop"));
    ClusterSnapshot before = ClusterSnapshot.capture(sandbox);
    CallLogs calls = CallLogs.from(sandbox);
    String runId = "stop-it";

    // The preview just before the run: every output it does not mark inexact comes out equal.
    StopRuns.Finished preview =
        runs.run("stop-preview", null, runs.stop("--dry-run", "--output", "json"));
    assertEquals(0, preview.code(), preview.toString());
    Map<String, JsonNode> predicted = Predictions.plans(preview.output());

    StopRuns.Finished stop;
    BudgetWatch watch = BudgetWatch.start(kube);
    try {
      stop = runs.run("stop", null, runs.stop("--run-id", runId));
      watch.awaitCaughtUp(Duration.ofMinutes(1));
    } finally {
      watch.close();
    }

    assertEquals(0, stop.code(), stop.toString());
    RunState state = runs.state(runId).orElseThrow();
    StoppedCluster.assertHibernated(sandbox, before, state);
    int[] counts = Predictions.assertHeld("stop-it", predicted, state);
    assertTrue(4 * counts[1] <= counts[0], "at most a quarter inexact: " + counts[1]);

    System.err.println("[stop-it] events watched during the stop: " + watch.counts());
    assertEquals(List.of(), watch.failures(), "watches that lost events");
    assertTrue(
        watch.counts().getOrDefault("/api/v1/pods DELETED", 0) > 0, watch.counts().toString());
    assertEquals(List.of(), watch.violations(before.sleptNamespaces()), "budgets not honoured");

    @SuppressWarnings("unchecked")
    List<String> left = (List<String>) state.step("drain").outputs().get("leftToTermination");
    @SuppressWarnings("unchecked")
    List<String> deleted = (List<String>) state.step("drain").outputs().get("deletedPods");
    assertEquals(List.of(), left, "nothing that holds a node is left to termination");
    assertEquals(1, deleted.size(), "the CoreDNS budget cannot be met on a full drain: " + deleted);
    assertTrue(deleted.get(0).startsWith("kube-system/coredns-"), deleted.toString());
    assertTrue(stop.output().contains("deleted " + deleted.get(0)), stop.toString());
    // EKS's 15-minute PodDisruptionBudget limit (90 s at speed 10) never ran out on a node.
    assertEquals(0, sandbox.terminatedPastEvictionLimit(), "nodes EKS terminated past its limit");
    Duration scaleToZero =
        Duration.between(
            state.step("scale-to-zero").startedAt(), state.step("scale-to-zero").finishedAt());
    Duration limit = Duration.ofMillis(sandbox.speed().scaledMillis(Duration.ofMinutes(15)));
    System.err.println("[stop-it] scale-to-zero took " + scaleToZero + ", EKS's limit " + limit);
    assertTrue(scaleToZero.compareTo(limit) < 0, scaleToZero + " against " + limit);
    Set<String> named = new TreeSet<>();
    deleted.forEach(l -> named.add(l.substring(0, l.indexOf(" on "))));
    Instant drained = state.step("drain").finishedAt();
    Set<String> notEvicted = watch.podsWhenAllCordoned(before.nodeNames());
    notEvicted.removeAll(calls.evictedByTool(drained));
    assertEquals(notEvicted, named, "the pods the drain deleted rather than evicted");
  }

  /**
   * The control of the budget check: pods of a budget-protected Deployment deleted directly, past
   * the Eviction API, must be reported.
   */
  private static void theBudgetWatchSeesPodsDeletedBehindABudgetsBack(KubeJson kube)
      throws InterruptedException {
    String api = "/api/v1/namespaces/shop/pods?labelSelector=app%3Dapi";
    List<String> deleted = new ArrayList<>();
    kube.items(api).forEach(p -> deleted.add(p.path("metadata").path("name").asText()));
    assertEquals(2, deleted.size(), "the dev scenario runs 2 pods of shop/api");
    try (BudgetWatch control = BudgetWatch.start(kube)) {
      // One request for both, as a careless script would: no Eviction API, no budget asked.
      kube.delete(api);
      Wait.until(
          "the budget watch to report shop/api",
          Duration.ofMinutes(1),
          Duration.ofMillis(250),
          () ->
              control.violations(Set.of("shop")).stream()
                      .anyMatch(v -> v.startsWith("Deployment shop/api had 0 Ready pods"))
                  ? Optional.empty()
                  : Optional.of("reported: " + control.violations(Set.of("shop"))));
      System.err.println(
          "[stop-it] deleting " + deleted + " was reported: " + control.violations(Set.of("shop")));
    }
  }

  /**
   * Waits until every Deployment and StatefulSet has all its replicas Ready and no pod is being
   * deleted, so that what a test watches starts from a steady cluster.
   */
  private static void awaitSettled(KubeJson kube) {
    Wait.until(
        "every workload Ready and no pod terminating",
        SETTLE,
        Duration.ofMillis(500),
        () -> {
          List<String> pending = new ArrayList<>();
          for (String kind : List.of("deployments", "statefulsets")) {
            for (JsonNode w : kube.items("/apis/apps/v1/" + kind)) {
              int replicas = w.path("spec").path("replicas").asInt(1);
              if (w.path("status").path("readyReplicas").asInt(0) != replicas) {
                pending.add(kind + " " + w.path("metadata").path("name").asText());
              }
            }
          }
          for (JsonNode p : kube.items("/api/v1/pods")) {
            if (p.path("metadata").has("deletionTimestamp")) {
              pending.add("terminating pod " + p.path("metadata").path("name").asText());
            }
          }
          return pending.isEmpty() ? Optional.empty() : Optional.of(pending.toString());
        });
  }

  /** The output with what differs from one run to the next (run ids, clock times) blanked. */
  private static String normalized(String output) {
    return output
        .replaceAll("\\d{8}T\\d{6}Z-[0-9a-f]{6}", "RUN_ID")
        .replaceAll("\\[\\d\\d:\\d\\d:\\d\\d]", "[TIME]");
  }
}
