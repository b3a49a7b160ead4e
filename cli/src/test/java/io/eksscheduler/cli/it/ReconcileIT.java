package io.eksscheduler.cli.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.eksscheduler.cli.testing.Jvm;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.SandboxIdentity;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves {@code reconcile} and {@code hold} on the sandbox's dev cluster, at instants the test
 * chooses ({@code --at}): the schedule stops the cluster when its window ends and wakes it when the
 * next starts, a reconcile with nothing due changes nothing and creates no run (its requests
 * counted in the audit and AWS logs), a second runner meanwhile exits 4 untold, a hold keeps the
 * cluster awake past its window and lapses, a reconcile killed mid-stop is continued by the next,
 * and the fleet's webhook (WireMock) hears of each change and of a failed run once. The tests run
 * in order on one cluster: each starts where the last left it.
 */
@ExtendWith(SandboxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconcileIT {
  private static final Path WORK = Path.of("target", "reconcile-it");
  private static final String HOOK = "/hooks/T000/B000/reconcile-it-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofMinutes(6);

  /** The session reconcile makes its calls in: the fleet entry's role, assumed through STS. */
  private static final String SESSION =
      "arn:aws:sts::111122223333:assumed-role/eks-scheduler/eks-scheduler";

  /** Tomorrow, in UTC: every instant the test decides for is on it or after it. */
  private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).plusDays(1);

  private static WireMockServer webhook;
  private static Path fleet;
  private static int count;

  private record Finished(String label, int code, String output) {
    @Override
    public String toString() {
      return label + ": exit " + code + "\n" + output;
    }
  }

  @BeforeAll
  static void fleetAndWebhook(TestSandbox sandbox) throws IOException {
    sandbox.reset();
    if (Files.exists(WORK)) {
      try (var all = Files.walk(WORK)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(WORK.resolve("logs"));
    fleet = WORK.resolve("fleet.yaml");
    Files.writeString(
        fleet,
        """
        apiVersion: eks-scheduler/v1
        kind: Fleet
        metadata: {name: sandbox}
        schedules:
          day-shift:
            timeZone: UTC
            awake: [{days: Mon-Sun, from: "08:00", to: "18:00"}]
        clusters:
          - {name: dev, region: eu-west-1, schedule: day-shift,
             roleArn: "arn:aws:iam::111122223333:role/eks-scheduler"}
        notify:
          webhook: {urlFrom: {env: RECONCILE_IT_WEBHOOK}}
        """);
    webhook = new WireMockServer(options().dynamicPort());
    webhook.start();
    webhook.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
  }

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    if (webhook != null) {
      webhook.stop();
    }
    SandboxIdentity.of(sandbox.sandbox(), "fleet-role").dropPolicy();
    sandbox.reset();
  }

  @Test
  @Order(1)
  void theScheduleStopsTheClusterWhenItsWindowEndsAndNothingDueChangesNothing(TestSandbox sandbox)
      throws Exception {
    nothingDue(sandbox, at(DAY, "12:00"), "awake");

    CallLogs calls = CallLogs.from(sandbox);
    Process stopping = start(sandbox, "stop", null, reconcile(at(DAY, "18:30")));
    awaitRunning(sandbox);
    Finished second = await(start(sandbox, "second-runner", null, reconcile(at(DAY, "18:30"))));
    Finished stop = await(stopping, "stop");
    assertEquals(4, second.code(), second.toString());
    assertTrue(second.output().contains("is partial"), second.toString());
    assertEquals(0, stop.code(), stop.toString());
    assertTrue(stop.output().contains("should be asleep (schedule day-shift"), stop.toString());
    assertTrue(stop.output().contains("is awake: stopping it"), stop.toString());
    List<String> writes = calls.awsWrites();
    assertFalse(writes.isEmpty(), "the stop scaled the node groups");
    for (String w : writes) {
      assertTrue(w.endsWith("(" + SESSION + ")"), "made as the fleet entry's role: " + writes);
    }
    List<JsonNode> told = told(1);
    assertNotification(told.get(0), "awake", "asleep", "succeeded");
    assertEquals(runId(stop), told.get(0).path("runId").asText());

    nothingDue(sandbox, at(DAY, "20:00"), "asleep");
  }

  @Test
  @Order(2)
  void theNextWindowWakesItAndAFailedStartIsToldOnceThenFinished(TestSandbox sandbox)
      throws Exception {
    // The fleet entry's role makes the calls: its policy refuses the start's scale-up.
    SandboxIdentity role = SandboxIdentity.of(sandbox.sandbox(), "fleet-role");
    role.usePolicy(
        """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "*", "Resource": "*"},
          {"Effect": "Deny", "Action": "eks:UpdateNodegroupConfig", "Resource": "*"}]}
        """);
    Instant morning = at(DAY.plusDays(1), "08:30");
    Finished failed = run(sandbox, "failed", reconcile(morning));
    assertEquals(1, failed.code(), failed.toString());
    assertTrue(failed.output().contains("should be awake (schedule day-shift"), failed.toString());
    assertTrue(failed.output().contains("is asleep: starting it"), failed.toString());
    JsonNode failure = told(2).get(1);
    assertNotification(failure, "asleep", "awake", "failed");
    assertTrue(
        failure.path("error").asText().contains("eks:UpdateNodegroupConfig"), failure.toString());
    assertTrue(failure.path("text").asText().contains("start failed"), failure.toString());

    Finished again = run(sandbox, "failed-again", reconcile(morning));
    assertEquals(1, again.code(), again.toString());
    assertTrue(again.output().contains("failed again; the webhook was told"), again.toString());
    told(2);

    role.dropPolicy();
    Finished woke = run(sandbox, "woke", reconcile(morning));
    assertEquals(0, woke.code(), woke.toString());
    JsonNode change = told(3).get(2);
    assertNotification(change, "partial", "awake", "succeeded");
    assertEquals(runId(failed), change.path("runId").asText());
    assertEquals(
        RunStatus.SUCCEEDED,
        StopRuns.clusterStore(sandbox, WORK.resolve("reader"), Duration.ofSeconds(5))
            .state(runId(failed))
            .orElseThrow()
            .status());
  }

  @Test
  @Order(3)
  void aHoldKeepsItAwakeUntilItLapsesAndAKilledReconcileIsContinued(TestSandbox sandbox)
      throws Exception {
    Finished hold =
        run(
            sandbox,
            "hold",
            "hold",
            "--cluster",
            "dev",
            "--fleet",
            fleet.toString(),
            "--awake",
            "--until",
            "2d",
            "--reason",
            "release 4.2",
            "--now",
            "--state",
            "kubernetes",
            "--lease-duration",
            "5s");
    assertEquals(0, hold.code(), hold.toString());
    assertTrue(hold.output().contains("is awake: nothing to do"), hold.toString());
    JsonNode held = status(sandbox).path("hold");
    assertEquals("awake", held.path("desired").asText(), held.toString());
    assertEquals("release 4.2", held.path("reason").asText());
    assertEquals("arn:aws:iam::111122223333:user/eks-scheduler", held.path("by").asText());
    Instant until = Instant.parse(held.path("until").asText());
    assertTrue(until.isAfter(Instant.now().plus(Duration.ofHours(47))), until.toString());

    // Past its window, the hold keeps it awake.
    Finished kept = nothingDue(sandbox, at(DAY, "20:00"), "awake");
    assertTrue(
        kept.output().contains("should be awake (held awake until " + until), kept.toString());

    // Once the hold lapsed, the schedule rules: a stop, killed before it scales the node groups.
    Instant lapsed = at(DAY.plusDays(3), "18:30");
    Finished killed =
        await(start(sandbox, "killed", "ledger-before:scale-to-zero", reconcile(lapsed)));
    assertEquals(137, killed.code(), killed.toString());
    assertTrue(killed.output().contains("its hold lapsed at " + until), killed.toString());
    told(3);

    Finished continued = run(sandbox, "continued", reconcile(lapsed));
    assertEquals(0, continued.code(), continued.toString());
    assertTrue(
        continued.output().contains("is partial: run " + runId(killed)), continued.toString());
    assertTrue(
        continued.output().contains("continuing unfinished run " + runId(killed)),
        continued.toString());
    JsonNode change = told(4).get(3);
    assertNotification(change, "partial", "asleep", "succeeded");
    assertEquals(runId(killed), change.path("runId").asText());

    Finished release = run(sandbox, "release", "hold", "--cluster", "dev", "--release");
    assertEquals(0, release.code(), release.toString());
    assertTrue(
        release.output().contains("released its hold (awake until " + until), release.toString());
    Finished none = run(sandbox, "release-again", "hold", "--cluster", "dev", "--release");
    assertEquals(0, none.code(), none.toString());
    assertTrue(none.output().contains("has no hold; nothing to release"), none.toString());
    assertTrue(status(sandbox).path("hold").isNull());
  }

  /**
   * A reconcile at {@code t} that finds the cluster {@code state} as it should be: exit 0, nothing
   * changed in Kubernetes or AWS, no run created, and the requests it cost counted and printed.
   */
  private Finished nothingDue(TestSandbox sandbox, Instant t, String state) throws Exception {
    List<String> runsBefore = runIds(sandbox);
    CallLogs calls = CallLogs.from(sandbox);
    long started = System.nanoTime();
    Finished f = run(sandbox, "nothing-due", reconcile(t));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(0, f.code(), f.toString());
    assertTrue(f.output().contains("is " + state + ": nothing to do"), f.toString());
    assertEquals(
        List.of(), calls.toolWrites(), "Kubernetes writes of a reconcile with nothing due");
    assertEquals(List.of(), calls.awsWrites(), "AWS writes of a reconcile with nothing due");
    assertEquals(runsBefore, runIds(sandbox), "runs created by a reconcile with nothing due");
    Set<String> kube = new TreeSet<>();
    for (JsonNode e : calls.auditEvents()) {
      if (e.path("userAgent").asText().startsWith("eks-scheduler/")) {
        kube.add(e.path("auditID").asText());
      }
    }
    long aws =
        calls.awsCalls().stream()
            .filter(c -> c.path("userAgent").asText().contains("eks-scheduler/"))
            .count();
    System.err.printf(
        "[reconcile-it] nothing due (%s): %d ms with JVM start, %d Kubernetes + %d AWS requests%n",
        state, millis, kube.size(), aws);
    assertTrue(kube.size() > 0 && aws > 0, "the reconcile read the cluster: " + kube + ", " + aws);
    assertTrue(
        kube.size() + aws <= 20,
        "requests of a reconcile with nothing due: " + kube.size() + " + " + aws);
    return f;
  }

  private static Instant at(LocalDate day, String time) {
    return Instant.parse(day + "T" + time + ":00Z");
  }

  private static String[] reconcile(Instant t) {
    return new String[] {
      "reconcile",
      "--fleet",
      fleet.toString(),
      "--cluster",
      "dev",
      "--at",
      t.toString(),
      "--state",
      "kubernetes",
      "--lease-duration",
      "5s"
    };
  }

  private static List<String> runIds(TestSandbox sandbox) throws IOException {
    return StopRuns.clusterStore(sandbox, WORK.resolve("reader"), Duration.ofSeconds(5)).runIds();
  }

  /** Waits until the cluster store holds a run that has not ended. */
  private static void awaitRunning(TestSandbox sandbox) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    StopRuns reader = StopRuns.clusterStore(sandbox, WORK.resolve("reader"), Duration.ofSeconds(5));
    while (System.nanoTime() < deadline) {
      for (String id : reader.runIds()) {
        if (reader.state(id).map(s -> s.status() == RunStatus.RUNNING).orElse(false)) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no run started within a minute");
  }

  private static JsonNode status(TestSandbox sandbox) throws Exception {
    Finished f = run(sandbox, "status", "status", "--cluster", "dev", "--output", "json");
    assertEquals(0, f.code(), f.toString());
    String last = f.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    return JSON.readTree(last);
  }

  /** The notifications the webhook received, waiting for them to be {@code expected}. */
  private static List<JsonNode> told(int expected) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (LoggedRequest r : webhook.findAll(postRequestedFor(urlEqualTo(HOOK)))) {
      out.add(JSON.readTree(r.getBodyAsString()));
    }
    assertEquals(expected, out.size(), "notifications: " + out);
    return out;
  }

  private static void assertNotification(JsonNode n, String from, String to, String result) {
    assertEquals("dev", n.path("cluster").asText(), n.toString());
    assertEquals(from, n.path("from").asText(), n.toString());
    assertEquals(to, n.path("to").asText(), n.toString());
    assertEquals(result, n.path("result").asText(), n.toString());
    assertTrue(n.path("text").asText().contains("EKS cluster dev"), n.toString());
  }

  /** The run a command's output names in its "run RUN_ID of playbook" line. */
  private static String runId(Finished f) {
    var m = java.util.regex.Pattern.compile("run (\\S+) of playbook").matcher(f.output());
    assertTrue(m.find(), f.toString());
    return m.group(1);
  }

  private static Process start(TestSandbox sandbox, String label, String crashAt, String... args)
      throws IOException {
    count++;
    Path log = WORK.resolve("logs").resolve(String.format("%02d-%s.log", count, label));
    Map<String, String> env = new HashMap<>(sandbox.sandbox().environment().variables());
    env.put("RECONCILE_IT_WEBHOOK", webhook.baseUrl() + HOOK);
    Process p = Jvm.start(log, env, crashAt, args);
    LOGS.put(p, log);
    return p;
  }

  private static final Map<Process, Path> LOGS = new HashMap<>();

  private static Finished await(Process p) throws Exception {
    Path log = LOGS.get(p);
    return await(p, log.getFileName().toString());
  }

  private static Finished await(Process p, String label) throws Exception {
    Path log = LOGS.get(p);
    if (!p.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          label + " still running after " + DEADLINE + ":\n" + Files.readString(log));
    }
    Finished f = new Finished(label, p.exitValue(), Files.readString(log));
    System.err.printf("[reconcile-it] %s: exit %d%n", label, f.code());
    return f;
  }

  private static Finished run(TestSandbox sandbox, String label, String... args) throws Exception {
    return await(start(sandbox, label, null, args), label);
  }
}
