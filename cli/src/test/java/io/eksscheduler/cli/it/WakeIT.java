package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves {@code eks-scheduler start} on the sandbox's dev cluster after {@code stop}: the cluster
 * comes back exactly as it was before the stop (every workload, autoscaler, GitOps object, webhook
 * configuration, annotation, label, node group and Auto Scaling group; no {@code eks-scheduler.io/}
 * marker of the tool left anywhere; every pod Ready), {@code status} says asleep then awake, the
 * database is Ready before the apps that depend on it start, {@code start --dry-run} on the stopped
 * cluster changes nothing, and the webhook that blocks its own recovery is relaxed and restored by
 * the stock wake, while a wake told not to relax it fails naming it as self-blocking. Each test
 * starts from a fresh dev scenario, and the next test class finds one too.
 */
@ExtendWith(SandboxExtension.class)
class WakeIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WAKE = ROOT.resolve("playbooks/wake.yaml");
  private static final Path WORK = Path.of("target", "wake-it");
  private static final String WEBHOOKS_STEP = "webhooks";
  private static final String WEBHOOK_ID =
      "ValidatingWebhookConfiguration "
          + WakeDeadlock.CONFIGURATION
          + " webhook "
          + WakeDeadlock.WEBHOOK;

  /** The scenario's database, much slower to turn Ready than the apps. */
  private static final String DATABASE = "data/postgres";

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void aStartAfterAStopBringsBackTheClusterAsItWasInDependencyOrder(TestSandbox sandbox)
      throws Exception {
    sandbox.reset();
    KubeJson kube = new KubeJson(sandbox.adminClient());
    WakeRuns runs = new WakeRuns(sandbox, WORK.resolve("cycle"));
    CallLogs stopCalls = CallLogs.from(sandbox);
    WakeCycle cycle = WakeCycle.stop(sandbox, runs, "wake-it-stop");
    List<JsonNode> stopAws = stopCalls.awsCalls();
    CallLogs startCalls = CallLogs.from(sandbox);
    StopRuns.Finished asleep = runs.run("status-asleep", null, runs.status());
    assertEquals(0, asleep.code(), asleep.toString());
    assertTrue(asleep.output().contains("cluster dev: asleep"), asleep.toString());

    DryRuns dryRuns = aDryRunChangesNothing(sandbox, runs);

    // The preview just before the run: every output it does not mark inexact comes out equal.
    StopRuns.Finished preview =
        runs.run("start-preview", null, runs.start("--dry-run", "--output", "json"));
    assertEquals(0, preview.code(), preview.toString());
    Map<String, JsonNode> predicted = Predictions.plans(preview.output());

    Instant wakeStart = Instant.now();
    StopRuns.Finished start = runs.run("start", null, runs.start("--run-id", "wake-it-start"));
    assertEquals(0, start.code(), start.toString());
    RunState wake = runs.state("wake-it-start").orElseThrow();
    int[] counts = Predictions.assertHeld("wake-it", predicted, wake);
    assertTrue(4 * counts[1] <= counts[0], "at most a quarter inexact: " + counts[1]);
    @SuppressWarnings("unchecked")
    List<String> woken = (List<String>) wake.step("wake-workloads").outputs().get("woken");
    List<String> notReadyAtTheEnd = WakeChecks.notReady(kube, woken);
    System.err.printf(
        "[wake-it] stop %d ms, start %d ms; woke %s%n",
        cycle.stopRun().took().toMillis(), start.took().toMillis(), woken);
    assertTrue(
        woken.containsAll(
            List.of(
                "StatefulSet data/postgres",
                "Deployment data/redis",
                "Deployment shop/api",
                "Deployment shop/web",
                "Deployment shop/worker")),
        "woken: " + woken);
    assertEquals(List.of(), notReadyAtTheEnd, "woken workloads not Ready when start returned");

    theSelfBlockingWebhookWasRelaxedThenRestored(wake, start);
    theManagedGroupsScaledTogether("stop", stopAws);
    theManagedGroupsScaledTogether("start", startCalls.awsCalls());

    StopRuns.Finished awake = runs.run("status-awake", null, runs.status());
    assertEquals(0, awake.code(), awake.toString());
    assertTrue(awake.output().contains("cluster dev: awake"), awake.toString());

    List<String> problems = new ArrayList<>(cycle.differencesAfterWake());
    List<String> order = new ArrayList<>();
    problems.addAll(WakeChecks.dependencyOrder(kube, wakeStart, order));
    order.forEach(line -> System.err.println("[wake-it] " + line));
    theDatabaseIsSlowEnoughToTellTheOrder(kube);
    assertEquals(List.of(), problems, "the cluster after stop and start, against before the stop");
    assertEquals(
        normalized(dryRuns.stock().output()),
        normalized(dryRuns.start().output()),
        "start --dry-run prints what run wake.yaml --dry-run prints");
  }

  @Test
  void aWakeThatMayNotRelaxTheWebhookFailsNamingItSelfBlocking(TestSandbox sandbox)
      throws Exception {
    sandbox.reset();
    KubeJson kube = new KubeJson(sandbox.adminClient());
    WakeRuns runs = new WakeRuns(sandbox, WORK.resolve("control"));
    Path control = Files.createDirectories(WORK).resolve("wake-without-relaxing.yaml");
    String stock = Files.readString(WAKE);
    String edited =
        stock.replace(
            "with: {relaxSelfBlocking: true, deadline: 15m}",
            "with: {relaxSelfBlocking: false, deadline: 20s}\n    retry: {attempts: 1}");
    assertFalse(edited.equals(stock), "the webhooks step of " + WAKE + " was not found");
    Files.writeString(control, edited);

    WakeCycle.stop(sandbox, runs, "control-stop");
    WakeSnapshot before = WakeSnapshot.capture(sandbox);

    StopRuns.Finished start =
        runs.run(
            "start-without-relaxing",
            null,
            runs.start("--playbook", control.toString(), "--run-id", "control-start"));

    assertEquals(1, start.code(), start.toString());
    assertTrue(
        start
            .output()
            .contains(
                WEBHOOK_ID
                    + ": no ready endpoint for Service kyverno/kyverno-svc (self-blocking: it fails"
                    + " closed on the creation of its own pods; relaxSelfBlocking: true breaks the"
                    + " deadlock)"),
        start.toString());
    RunState state = runs.state("control-start").orElseThrow();
    assertEquals(RunStatus.FAILED, state.status(), "the run's status");
    assertEquals(StepStatus.FAILED, state.step(WEBHOOKS_STEP).status(), "step webhooks");
    assertTrue(
        state.step(WEBHOOKS_STEP).error().startsWith("webhooks still unhealthy after 20s"),
        state.step(WEBHOOKS_STEP).error());
    assertEquals(0, state.step("wake-workloads").attempts(), "attempts of step wake-workloads");
    WakeSnapshot after = WakeSnapshot.capture(sandbox);
    assertEquals(
        before.startingWith("ValidatingWebhookConfiguration "),
        after.startingWith("ValidatingWebhookConfiguration "),
        "the webhook configurations, which a wake that may not relax them must not touch");
    assertEquals(
        before.startingWith("MutatingWebhookConfiguration "),
        after.startingWith("MutatingWebhookConfiguration "),
        "the webhook configurations, which a wake that may not relax them must not touch");
    assertTrue(
        kube.items("/api/v1/namespaces/" + WakeDeadlock.NAMESPACE + "/pods").isEmpty(),
        "the deadlock held: no pod of the webhook was created");
  }

  /**
   * (c) {@code start --dry-run} on the stopped cluster: no Kubernetes request of the tool that
   * changed anything (only {@code dryRun=All} ones), no mutating AWS call, no run written, the
   * cluster as it was. Returns its output and that of {@code run wake.yaml --dry-run}.
   */
  private static DryRuns aDryRunChangesNothing(TestSandbox sandbox, WakeRuns runs)
      throws Exception {
    WakeSnapshot asleep = WakeSnapshot.capture(sandbox);
    Set<String> markers = WakeMarkers.everywhere(sandbox);
    List<String> runIds = runs.runIds();
    CallLogs calls = CallLogs.from(sandbox);

    StopRuns.Finished dryRun = runs.run("start-dry-run", null, runs.start("--dry-run"));
    StopRuns.Finished stock =
        runs.run("run-wake-dry-run", null, runs.run(WAKE, "-p", "cluster=dev", "--dry-run"));

    assertEquals(0, dryRun.code(), dryRun.toString());
    assertEquals(0, stock.code(), stock.toString());
    assertTrue(
        dryRun.output().contains("Deployment shop/api: replicas 0 -> 2, annotation removed"),
        dryRun.toString());
    assertTrue(
        dryRun.output().contains(WEBHOOK_ID)
            && dryRun.output().contains("failurePolicy Fail -> Ignore until its pods are Ready"),
        dryRun.toString());
    // Every webhook's pods may start on the restored nodes: none is planned to fail the step.
    assertFalse(dryRun.output().contains("nothing starts its pods"), dryRun.toString());
    assertEquals(List.of(), calls.toolWrites(), "Kubernetes requests that changed something");
    assertEquals(List.of(), calls.awsWrites(), "AWS calls that changed something");
    assertFalse(calls.awsCalls().isEmpty(), "the simulator logged the dry-runs' AWS reads");
    assertFalse(calls.auditEvents().isEmpty(), "the audit log holds the dry-runs' reads");
    assertEquals(List.of(), WakeSnapshot.capture(sandbox).differencesFrom(asleep));
    assertEquals(markers, WakeMarkers.everywhere(sandbox), "the markers of the stop");
    assertEquals(runIds, runs.runIds(), "runs written by a dry-run");
    return new DryRuns(dryRun, stock);
  }

  /** The outputs of {@code start --dry-run} and of {@code run wake.yaml --dry-run}. */
  private record DryRuns(StopRuns.Finished start, StopRuns.Finished stock) {}

  /** The stock wake met the deadlock and broke it: relaxed, then restored, in order. */
  private static void theSelfBlockingWebhookWasRelaxedThenRestored(
      RunState wake, StopRuns.Finished start) {
    @SuppressWarnings("unchecked")
    List<String> relaxed = (List<String>) wake.step(WEBHOOKS_STEP).outputs().get("relaxed");
    assertTrue(relaxed.contains(WEBHOOK_ID), "relaxed: " + relaxed);
    String out = start.output();
    int relax = out.indexOf(WEBHOOK_ID + ": failurePolicy Fail -> Ignore until its pods are Ready");
    int restore = out.indexOf(WEBHOOK_ID + ": failurePolicy Ignore -> Fail (its pods are Ready)");
    int said = out.indexOf("relaxed, then restored: " + WEBHOOK_ID);
    assertTrue(relax >= 0 && restore > relax && said > restore, start.toString());
  }

  /**
   * Dev's two managed node groups (general, system) were updated before either update was followed:
   * their instances launched, or drained, at the same time.
   */
  private static void theManagedGroupsScaledTogether(String command, List<JsonNode> calls) {
    List<String> updates = new ArrayList<>();
    for (JsonNode call : calls) {
      String op = call.path("operation").asText();
      if (op.equals("UpdateNodegroupConfig") || op.equals("DescribeUpdate")) {
        updates.add(op);
      }
    }
    assertTrue(
        updates.size() >= 3
            && updates
                .subList(0, 2)
                .equals(List.of("UpdateNodegroupConfig", "UpdateNodegroupConfig"))
            && updates.lastIndexOf("UpdateNodegroupConfig") == 1,
        command + ": both managed groups' updates before any DescribeUpdate: " + updates);
  }

  /**
   * The order check can tell: the scenario's database takes a second or more from its pod's
   * creation to Ready, where the apps take a fraction of one.
   */
  private static void theDatabaseIsSlowEnoughToTellTheOrder(KubeJson kube) {
    for (var pod : WakeChecks.pods(kube, WakeChecks.workload(kube, DATABASE).orElseThrow())) {
      Instant created = WakeChecks.created(pod);
      Instant ready = WakeChecks.readySince(pod).orElseThrow();
      System.err.printf("[wake-it] %s: created %s, Ready %s%n", WakeChecks.id(pod), created, ready);
      assertTrue(
          !ready.isBefore(created.plusSeconds(1)),
          "pod " + WakeChecks.id(pod) + " turned Ready within a second: the order check is blind");
    }
  }

  /** The output with what differs from one run to the next (run ids, clock times) blanked. */
  private static String normalized(String output) {
    return output
        .replaceAll("\\d{8}T\\d{6}Z-[0-9a-f]{6}", "RUN_ID")
        .replaceAll("\\[\\d\\d:\\d\\d:\\d\\d]", "[TIME]");
  }
}
