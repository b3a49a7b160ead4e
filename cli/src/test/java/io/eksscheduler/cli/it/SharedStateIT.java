package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepStatus;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves runs that outlive their runner, with the stock {@code stop} and {@code start} on the
 * cluster store (each runner in a JVM, working directory and HOME of its own: nothing on disk in
 * common): a second runner exits 4 while the first stops the cluster; a third takes the run over
 * once the first, killed, lets its Lease lapse, and finishes the same run without running a
 * succeeded step again; a fourth wakes the cluster back to what it was. A stop that failed, then a
 * successful start: the next stop starts afresh and puts the workloads to sleep. A runner's start
 * frozen past its Lease while another takes over changes nothing once it thaws, and the cluster
 * wakes as it was. A webhook that would refuse the store's writes while the cluster sleeps is
 * refused before any change.
 *
 * <p>The tests run in order on one dev scenario, each from where the one before left it (awake for
 * the first three, asleep for the fencing test), which saves a wake per test.
 */
@ExtendWith(SandboxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedStateIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WORK = Path.of("target", "shared-state-it");
  private static final Duration LEASE = Duration.ofSeconds(6);
  private static final Duration SEEN = Duration.ofMinutes(3);

  /** The awake cluster the stale-run test saw first, to which the fencing test's start returns. */
  private static WakeSnapshot awakeBeforeStale;

  private static Set<String> markersBeforeStale;

  /** Resources only the steps before the drain change: a runner that repeats one patches these. */
  private static final Set<String> BEFORE_DRAIN =
      Set.of(
          "applications",
          "kustomizations",
          "scaledobjects",
          "nodepools",
          "statefulsets",
          "cronjobs",
          "jobs");

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  @Order(1)
  void aWebhookThatWouldRefuseTheStoreWhileAsleepIsRefusedBeforeAnyChange(TestSandbox sandbox)
      throws Exception {
    // Every test class leaves a fresh dev scenario behind: no reset needed first.
    StopRuns runs = StopRuns.clusterStore(sandbox, WORK.resolve("webhook"), LEASE);
    ClusterSnapshot before = ClusterSnapshot.capture(sandbox);
    new ManifestApplier(sandbox.adminClient()).applyAll(List.of(blockingWebhook()));
    CallLogs calls = CallLogs.from(sandbox);
    StopRuns.Finished stop;
    List<String> writes;
    List<String> awsWrites;
    try {
      stop = runs.run("stop-blocked", null, runs.stop());
      writes = calls.toolWrites();
      awsWrites = calls.awsWrites();
    } finally {
      sandbox.kubectl(
          Duration.ofSeconds(30),
          "delete",
          "validatingwebhookconfiguration",
          "store-guard-it",
          "--ignore-not-found");
    }
    assertEquals(1, stop.code(), stop.toString());
    assertTrue(
        stop.output()
            .contains(
                "ValidatingWebhookConfiguration store-guard-it, webhook secrets.store-guard.example"
                    + " (failurePolicy Fail) matches secrets in namespace eks-scheduler"),
        stop.output());
    assertTrue(stop.output().contains("--state dir"), stop.output());
    assertEquals(List.of(), writes, "requests that changed something");
    assertEquals(List.of(), awsWrites, "AWS calls that changed something");
    assertEquals(before.digest(), ClusterSnapshot.capture(sandbox).digest());
  }

  @Test
  @Order(2)
  void aKilledRunnersStopIsTakenOverAndFinishedAndAnotherRunnerWakesTheCluster(TestSandbox sandbox)
      throws Exception {
    StopRuns runs = StopRuns.clusterStore(sandbox, WORK.resolve("takeover"), LEASE);
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    WakeSnapshot awake = WakeSnapshot.capture(sandbox);
    Set<String> markers = WakeMarkers.everywhere(sandbox);
    ClusterSnapshot before = ClusterSnapshot.capture(sandbox);
    String runId = "shared-1";

    StopRuns.Launch first = runs.start("first", true, List.of(), runs.stop("--run-id", runId));
    awaitLine(first, "] step sleep-workloads: started");
    StopRuns.Finished second = runs.await(runs.start("second", true, List.of(), runs.stop()));
    assertEquals(4, second.code(), second.toString());
    assertTrue(
        second.output().contains("lock 'cluster/dev' is held by run " + runId), second.toString());
    awaitLine(first, "] step drain: started");
    first.process().destroyForcibly();
    assertEquals(StopRuns.KILLED, runs.await(first).code());

    // The preview of the takeover: the steps the killed runner ended are kept with what they
    // stored, the drain and what follows are planned on what they left, and the run does that.
    StopRuns.Finished preview =
        runs.await(
            runs.start("preview", true, List.of(), runs.stop("--dry-run", "--output", "json")));
    assertEquals(0, preview.code(), preview.toString());
    assertTrue(
        preview.output().contains("the run would continue unfinished run " + runId),
        preview.toString());
    Map<String, JsonNode> plans = Predictions.plans(preview.output());
    for (String step :
        List.of("preflight", "pause-gitops", "pause-autoscalers", "sleep-workloads")) {
      assertTrue(plans.get(step).path("kept").asBoolean(), step + ": " + plans.get(step));
    }
    for (String step : List.of("drain", "scale-to-zero")) {
      assertTrue(
          !plans.get(step).path("kept").asBoolean()
              && plans.get(step).path("predictedOutputs").size() > 0,
          step + ": " + plans.get(step));
    }

    CallLogs calls = CallLogs.from(sandbox);
    StopRuns.Launch thirdLaunch = runs.start("third", true, List.of(), runs.stop());
    StopRuns.Finished third = runs.await(thirdLaunch);
    assertEquals(0, third.code(), third.toString());
    assertTrue(
        third.output().contains("notice: lock 'cluster/dev': its holder run " + runId),
        third.toString());
    assertTrue(
        third.output().contains("notice: continuing unfinished run " + runId), third.toString());
    RunState run = runs.state(runId).orElseThrow();
    StoppedCluster.assertHibernated(sandbox, before, run);
    Predictions.assertHeld("shared-state-it continuation", plans, run);
    for (String step :
        List.of("preflight", "pause-gitops", "pause-autoscalers", "sleep-workloads")) {
      assertEquals(1, run.step(step).attempts(), step + " ran again");
    }
    List<String> repeated = new ArrayList<>();
    for (JsonNode e : runnerRequests(calls, thirdLaunch)) {
      if (mutating(e) && BEFORE_DRAIN.contains(e.path("objectRef").path("resource").asText())) {
        repeated.add(e.path("verb").asText() + " " + e.path("requestURI").asText());
      }
    }
    assertEquals(List.of(), repeated, "the third runner repeated work of succeeded steps");
    assertEquals(List.of(runId), runs.runIds(), "the third runner continued the same run");

    StopRuns.Finished fourth =
        runs.await(runs.start("fourth", true, List.of(), runs.startCluster()));
    assertEquals(0, fourth.code(), fourth.toString());
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    List<String> differences =
        new ArrayList<>(WakeSnapshot.capture(sandbox).differencesFrom(awake));
    Set<String> left = new TreeSet<>(WakeMarkers.everywhere(sandbox));
    left.removeAll(markers);
    left.forEach(m -> differences.add("marker left: " + m));
    assertEquals(List.of(), differences, "the cluster after the fourth runner's start");
  }

  @Test
  @Order(3)
  void aStopThatFailedIsNotContinuedAfterASuccessfulStart(TestSandbox sandbox) throws Exception {
    StopRuns runs = StopRuns.clusterStore(sandbox, WORK.resolve("stale"), LEASE);
    // Awake as the takeover test's start left it: remembered for the fencing test's start.
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    awakeBeforeStale = WakeSnapshot.capture(sandbox);
    markersBeforeStale = WakeMarkers.everywhere(sandbox);
    ClusterSnapshot before = ClusterSnapshot.capture(sandbox);

    Path failing = Files.createDirectories(WORK).resolve("hibernate-failing.yaml");
    Files.writeString(
        failing,
        Files.readString(ROOT.resolve("playbooks/hibernate.yaml"))
            + "  - id: report          # fails: the stop fails after putting the cluster to sleep\n"
            + "    action: exec\n"
            + "    needs: [scale-to-zero]\n"
            + "    retry: {attempts: 1}\n"
            + "    with: {command: [\"false\"]}\n");
    StopRuns.Finished friday =
        runs.run("friday", null, runs.stop("--playbook", failing.toString(), "--run-id", "friday"));
    assertEquals(1, friday.code(), friday.toString());
    StopRuns.Finished monday = runs.run("monday", null, runs.startCluster("--run-id", "monday"));
    assertEquals(0, monday.code(), monday.toString());
    // The failed stop is the latest run, but of the other playbook: the start closes it.
    assertTrue(
        monday.output().contains("notice: abandoning run friday (hibernate, failed: a run of"),
        monday.toString());
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);

    StopRuns.Finished night = runs.run("night", null, runs.stop("--run-id", "night"));
    assertEquals(0, night.code(), night.toString());
    assertTrue(!night.output().contains("continuing"), night.toString());
    assertEquals(RunStatus.ABANDONED, runs.state("friday").orElseThrow().status());
    RunState fresh = runs.state("night").orElseThrow();
    assertEquals(StepStatus.SUCCEEDED, fresh.step("sleep-workloads").status());
    assertNotEquals(0, fresh.step("sleep-workloads").ledger().size(), "workloads put to sleep");
    StoppedCluster.assertHibernated(sandbox, before, fresh);
  }

  @Test
  @Order(4)
  void aRunnerFrozenPastItsLeaseChangesNothingAfterAnotherTookOver(TestSandbox sandbox)
      throws Exception {
    // Asleep as the stale-run test's stop left it: a start is frozen where its next request is
    // the node groups' update, an AWS call, and the Kubernetes writes of the steps after it.
    StopRuns runs = StopRuns.clusterStore(sandbox, WORK.resolve("fencing"), LEASE);
    CallLogs calls = CallLogs.from(sandbox);
    String runId = "fenced-1";

    StopRuns.Launch frozen =
        runs.start(
            "frozen",
            true,
            List.of("-Deks-scheduler.pause-at=ledger-before:restore-nodegroups"),
            runs.startCluster("--run-id", runId));
    awaitLine(frozen, "pause point reached: ledger-before:restore-nodegroups");
    Instant pausedAt = Instant.now();
    StopRuns.Launch taker = runs.start("taker", true, List.of(), runs.startCluster());
    awaitLine(taker, "taking it over");
    Instant takenAt = Instant.now();
    new ProcessBuilder("kill", "-CONT", Long.toString(frozen.process().pid()))
        .inheritIO()
        .start()
        .waitFor(10, TimeUnit.SECONDS);
    StopRuns.Finished thawed = runs.await(frozen);
    StopRuns.Finished took = runs.await(taker);

    assertEquals(4, thawed.code(), thawed.toString());
    assertTrue(thawed.output().contains("error: this runner stopped:"), thawed.toString());
    assertEquals(0, took.code(), took.toString());
    assertTrue(
        took.output().contains("notice: continuing unfinished run " + runId), took.toString());
    List<String> late = new ArrayList<>();
    for (JsonNode e : runnerRequests(calls, frozen)) {
      if (mutating(e) && !received(e).isBefore(pausedAt)) {
        late.add(e.path("verb").asText() + " " + e.path("requestURI").asText());
      }
    }
    for (JsonNode c : calls.awsCalls()) {
      if (c.path("userAgent").asText().contains(runner(frozen))
          && c.path("mutating").asBoolean()
          && !Instant.parse(c.path("time").asText()).isBefore(pausedAt)) {
        late.add("aws " + c.path("operation").asText());
      }
    }
    assertEquals(
        List.of(), late, "requests of the frozen runner after " + takenAt + " (taken over)");
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    List<String> differences =
        new ArrayList<>(WakeSnapshot.capture(sandbox).differencesFrom(awakeBeforeStale));
    Set<String> left = new TreeSet<>(WakeMarkers.everywhere(sandbox));
    left.removeAll(markersBeforeStale);
    left.forEach(m -> differences.add("marker left: " + m));
    assertEquals(List.of(), differences, "the cluster after the taken-over start");
  }

  /** A webhook that matches the store's Secrets in its namespace and nothing else, failing. */
  private static Map<String, Object> blockingWebhook() {
    return Map.of(
        "apiVersion",
        "admissionregistration.k8s.io/v1",
        "kind",
        "ValidatingWebhookConfiguration",
        "metadata",
        Map.of("name", "store-guard-it"),
        "webhooks",
        List.of(
            Map.of(
                "name", "secrets.store-guard.example",
                "admissionReviewVersions", List.of("v1"),
                "sideEffects", "None",
                "failurePolicy", "Fail",
                "clientConfig",
                    Map.of("service", Map.of("namespace", "nowhere", "name", "nothing")),
                "namespaceSelector",
                    Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "eks-scheduler")),
                "rules",
                    List.of(
                        Map.of(
                            "operations", List.of("CREATE", "UPDATE"),
                            "apiGroups", List.of(""),
                            "apiVersions", List.of("v1"),
                            "resources", List.of("secrets"))))));
  }

  /** The user agent part that names a runner's process. */
  private static String runner(StopRuns.Launch launch) {
    return "(pid " + launch.process().pid() + " on ";
  }

  private static List<JsonNode> runnerRequests(CallLogs calls, StopRuns.Launch launch)
      throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : calls.auditEvents()) {
      if (e.path("userAgent").asText().contains(runner(launch))) {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean mutating(JsonNode e) {
    return Set.of("create", "update", "patch", "delete", "deletecollection")
            .contains(e.path("verb").asText())
        && !e.path("requestURI").asText().contains("dryRun=All");
  }

  private static Instant received(JsonNode e) {
    return Instant.parse(e.path("requestReceivedTimestamp").asText());
  }

  private static void awaitLine(StopRuns.Launch launch, String line) throws Exception {
    long until = System.nanoTime() + SEEN.toNanos();
    while (System.nanoTime() < until) {
      if (Files.readString(launch.log()).contains(line)) {
        return;
      }
      if (!launch.process().isAlive()) {
        throw new AssertionError(
            launch.label() + " ended before '" + line + "':\n" + Files.readString(launch.log()));
      }
      Thread.sleep(100);
    }
    throw new AssertionError(launch.label() + ": no '" + line + "' in " + SEEN);
  }
}
