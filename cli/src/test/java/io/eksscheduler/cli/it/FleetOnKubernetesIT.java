package io.eksscheduler.cli.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.eksscheduler.cli.testing.Cli;
import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.eksscheduler.sandbox.kube.ManifestApplier;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The fleet on Kubernetes, end to end. The runner's image, built by deploy/image/build.sh with
 * podman as a user would, says the project's version and runs as user 10001. The manifests of
 * {@code fleet render} for a fleet of two clusters (dev, and qa added to the sandbox's account on a
 * control plane of its own) go to a management cluster: a namespace of dev's control plane, not a
 * target. The real API server accepts them (server-side apply) and the real CronJob controller
 * creates dev's Job when it is due. KWOK would "run" its pod and report success, so a ResourceQuota
 * of no pods keeps it from being created, and the test runs the Job's pod template with podman as
 * the kubelet would: its image, args, env, security context (read-only root filesystem, non-root,
 * no capabilities) and volumes (the fleet's ConfigMap, emptyDirs), a ServiceAccount token for the
 * API server, the host's network; AWS credentials are the admin's keys, where a pod's would come
 * from IRSA or Pod Identity, and Kubernetes is reached through EKS tokens. A retry is the test
 * running the template again: the Job controller's own retry is not exercised. The fleet wants both
 * asleep: dev's pod is killed mid-stop and its retry continues the run, qa's stops it; then the
 * fleet wants them awake and their CronJobs' pods wake them, dev back exactly as it was; the
 * webhook (its URL in a Secret the rendered Role lets the pods read) hears of all four changes.
 * Then {@code fleet status}: states, a hold, node-hours and savings checked by hand.
 */
@ExtendWith(SandboxExtension.class)
class FleetOnKubernetesIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WORK = Path.of("target", "fleet-on-kubernetes-it").toAbsolutePath();
  private static final String NS = "fleet-it";
  private static final String HOOK = "/hooks/fleet-it";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN = Duration.ofMinutes(6);

  private static WireMockServer webhook;

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    if (webhook != null) {
      webhook.stop();
    }
    sandbox.reset();
  }

  @Test
  void aCronJobsPodStopsDevIsContinuedAfterAKillAndTheNextWakesIt(TestSandbox sandbox)
      throws Exception {
    Files.createDirectories(WORK);
    webhook = new WireMockServer(options().dynamicPort());
    webhook.start();
    webhook.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
    String image = build();
    // The image: the project's version, a non-root user.
    Finished version =
        finish(shell("podman_ run --rm " + image + " --version", "version"), "version");
    assertEquals(0, version.code(), version.output());
    assertTrue(
        version
            .output()
            .strip()
            .endsWith("eks-scheduler " + image.substring(image.indexOf(':') + 1)),
        version.output());
    Finished whoami =
        finish(shell("podman_ run --rm --entrypoint id " + image + " -u", "whoami"), "whoami");
    assertEquals("10001", whoami.output().strip(), whoami.output());
    Sandbox.AddedCluster qa = sandbox.addCluster("qa");
    ApiClient qaAdmin = KubeClients.fromKubeconfig(qa.layout().adminKubeconfig());
    ManifestApplier apply = new ManifestApplier(sandbox.adminClient());
    KubeJson kube = new KubeJson(sandbox.adminClient());

    // The fleet wants dev asleep now: its only window is twelve hours away.
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    Path fleet = WORK.resolve("fleet.yaml");
    writeFleet(fleet, now.getHour() + 12, now.getHour() + 13);
    List<Map<String, Object>> docs = render(fleet, image);
    // The Namespace, then the quota that keeps the Jobs' pods from being created, then the rest.
    apply.apply(docs.get(0));
    apply.apply(quotaOfNoPods());
    apply.apply(webhookSecret());
    apply.applyAll(docs.subList(1, docs.size()));
    assertEquals(
        Set.of("Namespace", "ServiceAccount", "ConfigMap", "Role", "RoleBinding", "CronJob"),
        new TreeSet<>(docs.stream().map(d -> (String) d.get("kind")).toList()));

    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    WakeSnapshot before = WakeSnapshot.capture(sandbox);
    Set<String> markers = WakeMarkers.everywhere(sandbox);
    JsonNode job = awaitJob(kube, "dev");
    JsonNode pod = job.path("spec").path("template");
    System.err.println("[fleet-k8s] the CronJob controller created Job " + name(job));

    // The pod, killed once its stop has begun; its retry continues the same run.
    Process killed = podman(sandbox, pod, "killed");
    StopRuns reader = StopRuns.clusterStore(sandbox, WORK.resolve("reader"), Duration.ofSeconds(5));
    awaitRunning(reader);
    Thread.sleep(3000);
    shell("podman_ kill --signal KILL fleet-it-killed; true", "kill").waitFor(1, TimeUnit.MINUTES);
    killed.waitFor(1, TimeUnit.MINUTES);
    Finished retry = finish(podman(sandbox, pod, "retry"), "retry");
    assertEquals(0, retry.code(), retry.output());
    assertTrue(retry.output().contains("is partial: run "), retry.output());
    assertTrue(retry.output().contains("continuing unfinished run"), retry.output());
    WakeChecks.awaitNoNode(kube, WakeCycle.SETTLE);
    assertEquals(List.of("dev asleep"), told(), "the stop told the webhook");

    // qa, the fleet's second cluster, by its CronJob's template: its own control plane, reached
    // through EKS (--eks-login) as every rendered Job does.
    Finished qaStop = finish(podman(sandbox, jobTemplate(kube, "qa"), "qa-stop"), "qa-stop");
    assertEquals(0, qaStop.code(), qaStop.output());
    assertTrue(qaStop.output().contains("is awake: stopping it"), qaStop.output());
    assertEquals(0, nodes(qaAdmin));
    assertEquals(List.of("dev asleep", "qa asleep"), told());

    // The fleet wants dev awake now: the next Job (its template is the CronJob's) wakes it.
    writeFleet(fleet, now.getHour() - 1, now.getHour() + 2);
    apply.applyAll(render(fleet, image));
    Process qaWaking = podman(sandbox, jobTemplate(kube, "qa"), "qa-wake");
    Finished wake = finish(podman(sandbox, jobTemplate(kube, "dev"), "wake"), "wake");
    assertEquals(0, wake.code(), wake.output());
    assertTrue(wake.output().contains("is asleep: starting it"), wake.output());
    Finished qaWake = finish(qaWaking, "qa-wake");
    assertEquals(0, qaWake.code(), qaWake.output());
    assertTrue(qaWake.output().contains("is asleep: starting it"), qaWake.output());
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    List<String> differences =
        new ArrayList<>(WakeSnapshot.capture(sandbox).differencesFrom(before));
    Set<String> left = new TreeSet<>(WakeMarkers.everywhere(sandbox));
    left.removeAll(markers);
    // The management namespace's Jobs carry the fleet's labels by design: not dev's markers.
    left.removeIf(m -> m.contains(" " + NS + "/"));
    left.forEach(m -> differences.add("marker left: " + m));
    assertEquals(List.of(), differences, "dev after a stop and a start from the image's pods");
    assertEquals(2, nodes(qaAdmin));
    assertEquals(Set.of("dev asleep", "qa asleep", "dev awake", "qa awake"), new TreeSet<>(told()));

    statusOfTheFleet(sandbox, fleet, reader);
  }

  /**
   * fleet status after a hold: dev's states, its hold and last run, and this month's node-hours and
   * saving, checked by hand from the stop's record in the run store (the nodes it removed, when
   * they were gone), the wake's start, the simulator's eu-west-1 list prices (m5.large $0.107,
   * t3.medium $0.0456) and the fleet file's own price for c5.xlarge ($0.15).
   */
  private static void statusOfTheFleet(TestSandbox sandbox, Path fleet, StopRuns reader)
      throws Exception {
    Finished held =
        jvm(
            sandbox,
            "hold",
            "hold",
            "--cluster",
            "dev",
            "--region",
            "eu-west-1",
            "--awake",
            "--until",
            "2h",
            "--reason",
            "release 4.2");
    assertEquals(0, held.code(), held.output());
    Finished status = fleetStatus(sandbox, "status", fleet, "json");
    assertEquals(0, status.code(), status.output());
    JsonNode dev = JSON.readTree(jsonLine(status.output())).path("clusters").get(0);
    assertEquals("awake", dev.path("actual").asText(), dev.toString());
    assertEquals("awake", dev.path("desired").asText(), dev.toString());
    assertTrue(dev.path("because").asText().startsWith("held"), dev.toString());
    assertEquals("release 4.2", dev.path("hold").path("reason").asText(), dev.toString());
    assertEquals(
        "arn:aws:iam::111122223333:user/eks-scheduler", dev.path("hold").path("by").asText());
    assertEquals("wake", dev.path("lastRun").path("playbook").asText(), dev.toString());
    assertEquals("succeeded", dev.path("lastRun").path("status").asText(), dev.toString());

    // By hand: the stop's record and the wake's start, from the run store.
    io.eksscheduler.engine.state.RunState stop = null;
    java.time.Instant wakeBegan = null;
    for (String id : reader.runIds()) {
      var state = reader.state(id).orElseThrow();
      if (state.playbook().equals("hibernate")) {
        stop = state;
      } else if (state.playbook().equals("wake")) {
        wakeBegan = state.startedAt();
      }
    }
    Map<String, Double> expectedHours = new java.util.TreeMap<>();
    java.time.Instant gone = null;
    for (var step : stop.steps().values()) {
      for (var e : step.ledger().entrySet()) {
        if (e.getKey().startsWith("nodes:")) {
          gone = step.finishedAt();
          expectedHours.merge(
              e.getValue().path("instanceType").asText(),
              (double) e.getValue().path("count").asInt(),
              Double::sum);
        }
      }
    }
    double hours = Duration.between(gone, wakeBegan).toMillis() / 3_600_000.0;
    expectedHours.replaceAll((type, nodes) -> nodes * hours);
    assertEquals(Set.of("c5.xlarge", "m5.large", "t3.medium"), expectedHours.keySet());
    Map<String, Double> price = Map.of("m5.large", 0.107, "t3.medium", 0.0456, "c5.xlarge", 0.15);
    Map<String, String> source =
        Map.of("m5.large", "list price", "t3.medium", "list price", "c5.xlarge", "fleet file");
    double expectedSaving = 0;
    JsonNode month = dev.path("month");
    assertEquals(expectedHours.size(), month.path("byInstanceType").size(), month.toString());
    for (JsonNode t : month.path("byInstanceType")) {
      String type = t.path("instanceType").asText();
      assertEquals(expectedHours.get(type), t.path("nodeHours").asDouble(), 2e-6, t.toString());
      assertEquals(price.get(type), t.path("usdPerHour").asDouble(), 1e-9, t.toString());
      assertEquals(source.get(type), t.path("priceSource").asText(), t.toString());
      expectedSaving += expectedHours.get(type) * price.get(type);
    }
    assertTrue(expectedSaving > 0, month.toString());
    assertEquals(
        expectedSaving, month.path("estimatedSavingUsd").asDouble(), 1e-5, month.toString());
    System.err.printf(
        "[fleet-k8s] asleep %.1f s: %s node-hours, saving $%.6f%n",
        hours * 3600, expectedHours, expectedSaving);

    // qa: no hold, its schedule wants it awake; two t3.large nodes slept, at the list price.
    JsonNode qa = JSON.readTree(jsonLine(status.output())).path("clusters").get(1);
    assertEquals("qa", qa.path("cluster").asText(), qa.toString());
    assertEquals("awake", qa.path("actual").asText(), qa.toString());
    assertTrue(qa.path("hold").isNull(), qa.toString());
    assertTrue(qa.path("because").asText().startsWith("schedule one-hour"), qa.toString());
    JsonNode t3 = qa.path("month").path("byInstanceType").get(0);
    assertEquals("t3.large", t3.path("instanceType").asText(), qa.toString());
    assertEquals(0.0912, t3.path("usdPerHour").asDouble(), 1e-9, qa.toString());
    assertTrue(t3.path("nodeHours").asDouble() > 0, qa.toString());
    assertEquals(
        t3.path("nodeHours").asDouble() * 0.0912,
        qa.path("month").path("estimatedSavingUsd").asDouble(),
        1e-5,
        qa.toString());

    leastPrivilegeStatus(sandbox, fleet);

    Finished metrics = fleetStatus(sandbox, "metrics", fleet, "prometheus");
    assertEquals(0, metrics.code(), metrics.output());
    String labels = "{fleet=\"fleet-it\",cluster=\"dev\",region=\"eu-west-1\"}";
    assertTrue(
        metrics.output().contains("eks_scheduler_cluster_asleep" + labels + " 0\n"),
        metrics.output());
    assertTrue(
        metrics.output().contains("eks_scheduler_cluster_held" + labels + " 1\n"),
        metrics.output());
    assertTrue(
        metrics.output().contains("# TYPE eks_scheduler_estimated_saving_usd_month gauge"),
        metrics.output());
  }

  /**
   * fleet status of dev by the operator, who has only the wake's ClusterRole and the store's Role
   * (deploy/rbac.yaml) and the wake's IAM policy: the list prices are refused, naming
   * pricing:GetProducts, and nothing else is; with docs/iam-policy-pricing.json added they are
   * read, and no call is refused.
   */
  private static void leastPrivilegeStatus(TestSandbox sandbox, Path fleet) throws Exception {
    Grants.apply(sandbox, Grants.role("eks-scheduler-wake"));
    Grants.apply(sandbox, Grants.storeRole());
    JsonNode wake = Grants.policy("iam-policy-wake.json");
    Grants.usePolicy(sandbox, wake);
    java.time.Instant from = java.time.Instant.now();
    Grants.Outcome refused = operatorStatus(sandbox, fleet, "status-without-pricing");
    assertEquals(0, refused.code(), refused.output());
    JsonNode m5 = priced(refused, "m5.large");
    assertTrue(m5.path("usdPerHour").isNull(), m5.toString());
    assertTrue(
        m5.path("priceSource")
            .asText()
            .contains("is not authorized to perform: pricing:GetProducts"),
        m5.toString());
    List<String> denied = Grants.refusedAwsCalls(sandbox, from);
    assertTrue(
        !denied.isEmpty() && denied.stream().allMatch(d -> d.startsWith("pricing:GetProducts")),
        denied.toString());

    ObjectNode both = wake.deepCopy();
    ArrayNode statements = (ArrayNode) both.path("Statement");
    Grants.policy("iam-policy-pricing.json").path("Statement").forEach(statements::add);
    Grants.usePolicy(sandbox, both);
    from = java.time.Instant.now();
    Grants.Outcome granted = operatorStatus(sandbox, fleet, "status-with-pricing");
    assertEquals(0, granted.code(), granted.output());
    assertEquals(0.107, priced(granted, "m5.large").path("usdPerHour").asDouble(), 1e-9);
    assertEquals(List.of(), Grants.refusedAwsCalls(sandbox, from));
  }

  private static Grants.Outcome operatorStatus(TestSandbox sandbox, Path fleet, String label)
      throws Exception {
    return Grants.asOperator(
        sandbox,
        WORK.resolve("operator-home"),
        WORK.resolve(label + ".aws-calls"),
        WORK.resolve(label + ".log"),
        false,
        "fleet",
        "status",
        fleet.toString(),
        "--cluster",
        "dev",
        "--state",
        "kubernetes",
        "--output",
        "json");
  }

  /** dev's entry of {@code instanceType} in a fleet status's JSON. */
  private static JsonNode priced(Grants.Outcome status, String instanceType) throws Exception {
    JsonNode dev = JSON.readTree(jsonLine(status.output())).path("clusters").get(0);
    for (JsonNode t : dev.path("month").path("byInstanceType")) {
      if (t.path("instanceType").asText().equals(instanceType)) {
        return t;
      }
    }
    throw new AssertionError(instanceType + " not in " + dev);
  }

  private static String jsonLine(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith("{\"fleet\"")) {
        return line;
      }
    }
    throw new AssertionError("no JSON in:\n" + output);
  }

  /** fleet status of the whole fleet, as the admin, in {@code output} format. */
  private static Finished fleetStatus(TestSandbox sandbox, String label, Path fleet, String output)
      throws Exception {
    return jvm(
        sandbox,
        label,
        "fleet",
        "status",
        fleet.toString(),
        "--state",
        "kubernetes",
        "--output",
        output);
  }

  /** The command line in a JVM of its own, with the sandbox's environment (admin's keys). */
  private static Finished jvm(TestSandbox sandbox, String label, String... args) throws Exception {
    Path log = WORK.resolve(label + ".log");
    Process p =
        io.eksscheduler.cli.testing.Jvm.start(
            log, sandbox.sandbox().environment().variables(), null, args);
    return finish(p, label);
  }

  private record Finished(int code, String output) {}

  private static String build() throws Exception {
    Finished b = finish(shell("deploy/image/build.sh", "build"), "build");
    assertEquals(0, b.code(), b.output());
    String[] lines = b.output().strip().split("\n");
    String image = lines[lines.length - 1].strip();
    assertTrue(image.matches("localhost/eks-scheduler:[0-9][^ ]*"), b.output());
    return image;
  }

  /** A fleet whose only window is from {@code fromHour} to {@code toHour} (mod 24), UTC. */
  private static void writeFleet(Path fleet, int fromHour, int toHour) throws Exception {
    String from = String.format("%02d:00", (fromHour + 24) % 24);
    String to = String.format("%02d:00", (toHour + 24) % 24);
    Files.writeString(
        fleet,
        "apiVersion: eks-scheduler/v1\n"
            + "kind: Fleet\n"
            + "metadata: {name: fleet-it}\n"
            + "schedules:\n"
            + "  one-hour:\n"
            + "    timeZone: UTC\n"
            + "    awake: [{days: Mon-Sun, from: \""
            + from
            + "\", to: \""
            + to
            + "\"}]\n"
            + "clusters:\n"
            + "  - {name: dev, region: eu-west-1, schedule: one-hour}\n"
            + "  - {name: qa, region: eu-west-1, schedule: one-hour}\n"
            + "pricing:\n"
            + "  prices: {c5.xlarge: 0.15}\n"
            + "notify:\n"
            + "  webhook: {urlFrom: {secretKeyRef: {name: hooks, key: url}}}\n");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> render(Path fleet, String image) {
    Cli.Result r =
        new Cli(WORK.resolve("state"))
            .run(
                "fleet",
                "render",
                fleet.toString(),
                "--image",
                image,
                "--every",
                "1",
                "--namespace",
                NS,
                "--pod-identity-role-arn",
                "arn:aws:iam::111122223333:role/eks-scheduler-runner");
    assertEquals(0, r.code(), r.toString());
    List<Map<String, Object>> out = new ArrayList<>();
    new Load(LoadSettings.builder().build())
        .loadAllFromString(r.out())
        .forEach(o -> out.add((Map<String, Object>) o));
    return out;
  }

  private static Map<String, Object> quotaOfNoPods() {
    return Map.of(
        "apiVersion",
        "v1",
        "kind",
        "ResourceQuota",
        "metadata",
        Map.of("name", "no-pods", "namespace", NS),
        "spec",
        Map.of("hard", Map.of("pods", "0")));
  }

  private static Map<String, Object> webhookSecret() {
    return Map.of(
        "apiVersion",
        "v1",
        "kind",
        "Secret",
        "metadata",
        Map.of("name", "hooks", "namespace", NS),
        "stringData",
        Map.of("url", webhook.baseUrl() + HOOK));
  }

  private static JsonNode awaitJob(KubeJson kube, String cronJob) {
    JsonNode[] found = new JsonNode[1];
    Wait.until(
        "the CronJob controller to create a Job",
        Duration.ofSeconds(150),
        Duration.ofSeconds(1),
        () -> {
          JsonNode jobs = kube.get("/apis/batch/v1/namespaces/" + NS + "/jobs").orElseThrow();
          for (JsonNode j : jobs.path("items")) {
            for (JsonNode owner : j.path("metadata").path("ownerReferences")) {
              if (owner.path("kind").asText().equals("CronJob")
                  && owner.path("name").asText().equals(cronJob)) {
                found[0] = j;
                return Optional.empty();
              }
            }
          }
          return Optional.of("no Job of CronJob " + cronJob + " yet");
        });
    return found[0];
  }

  private static void awaitRunning(StopRuns reader) throws Exception {
    Wait.until(
        "the pod's stop to begin",
        Duration.ofMinutes(2),
        Duration.ofMillis(250),
        () -> {
          try {
            for (String id : reader.runIds()) {
              if (reader
                  .state(id)
                  .map(s -> s.status() == io.eksscheduler.engine.state.RunStatus.RUNNING)
                  .orElse(false)) {
                return Optional.empty();
              }
            }
            return Optional.of("no run yet");
          } catch (java.io.IOException e) {
            return Optional.of(e.getMessage());
          }
        });
  }

  /** What the webhook was told, in order: "CLUSTER TO" per notification. */
  private static List<String> told() throws Exception {
    List<String> out = new ArrayList<>();
    for (var r : webhook.findAll(postRequestedFor(urlEqualTo(HOOK)))) {
      JsonNode n = JSON.readTree(r.getBodyAsString());
      out.add(n.path("cluster").asText() + " " + n.path("to").asText());
    }
    return out;
  }

  /** The pod template of the CronJob of {@code cluster}'s Jobs. */
  private static JsonNode jobTemplate(KubeJson kube, String cluster) {
    return kube.get("/apis/batch/v1/namespaces/" + NS + "/cronjobs/" + cluster)
        .orElseThrow()
        .path("spec")
        .path("jobTemplate")
        .path("spec")
        .path("template");
  }

  private static int nodes(ApiClient client) throws Exception {
    return new CoreV1Api(client).listNode().execute().getItems().size();
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  /**
   * Runs a pod template as the kubelet would, with podman: image, args, env, workingDir, the
   * container's user and read-only root, its volumes (the ConfigMap's items as files, emptyDirs as
   * tmpfs), a ServiceAccount token, the API server as KUBERNETES_SERVICE_HOST/PORT.
   */
  private static Process podman(TestSandbox sandbox, JsonNode template, String label)
      throws Exception {
    JsonNode spec = template.path("spec");
    JsonNode c = spec.path("containers").get(0);
    Path dir = WORK.resolve(label);
    Files.createDirectories(dir);
    List<String> cmd =
        new ArrayList<>(List.of("podman_", "run", "--rm", "--name", "fleet-it-" + label));
    cmd.addAll(List.of("--network", "host"));
    JsonNode sc = c.path("securityContext");
    if (sc.path("readOnlyRootFilesystem").asBoolean()) {
      cmd.add("--read-only");
    }
    cmd.addAll(List.of("--user", spec.path("securityContext").path("runAsUser").asText()));
    cmd.addAll(List.of("--cap-drop", "ALL", "--security-opt", "no-new-privileges"));
    if (c.has("workingDir")) {
      cmd.addAll(List.of("--workdir", c.path("workingDir").asText()));
    }
    Map<String, JsonNode> volumes = new HashMap<>();
    spec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    for (JsonNode m : c.path("volumeMounts")) {
      JsonNode v = volumes.get(m.path("name").asText());
      String mountPath = m.path("mountPath").asText();
      if (v.has("emptyDir")) {
        cmd.addAll(List.of("--tmpfs", mountPath + ":rw,size=64m,mode=1777"));
      } else if (v.has("configMap")) {
        Path files = dir.resolve("configmap-" + m.path("name").asText());
        JsonNode data =
            new KubeJson(sandbox.adminClient())
                .get(
                    "/api/v1/namespaces/"
                        + NS
                        + "/configmaps/"
                        + v.path("configMap").path("name").asText())
                .orElseThrow()
                .path("data");
        for (JsonNode item : v.path("configMap").path("items")) {
          Path f = files.resolve(item.path("path").asText());
          Files.createDirectories(f.getParent());
          Files.writeString(f, data.path(item.path("key").asText()).asText());
        }
        readableByAll(files);
        cmd.addAll(List.of("-v", files + ":" + mountPath + ":ro"));
      }
    }
    // The ServiceAccount's token, as the kubelet projects it.
    Path sa = dir.resolve("serviceaccount");
    Files.createDirectories(sa);
    String token =
        new CoreV1Api(sandbox.adminClient())
            .createNamespacedServiceAccountToken(
                spec.path("serviceAccountName").asText(),
                NS,
                new AuthenticationV1TokenRequest()
                    .spec(new V1TokenRequestSpec().expirationSeconds(3600L).audiences(List.of())))
            .execute()
            .getStatus()
            .getToken();
    Files.writeString(sa.resolve("token"), token);
    Files.write(sa.resolve("ca.crt"), Files.readAllBytes(sandbox.sandbox().layout().pki("ca.crt")));
    Files.writeString(sa.resolve("namespace"), NS);
    readableByAll(sa);
    cmd.addAll(List.of("-v", sa + ":/var/run/secrets/kubernetes.io/serviceaccount:ro"));
    URI api = URI.create(sandbox.adminClient().getBasePath());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KUBERNETES_SERVICE_HOST", api.getHost());
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(api.getPort()));
    for (JsonNode e : c.path("env")) {
      env.put(e.path("name").asText(), e.path("value").asText());
    }
    Map<String, String> vars = sandbox.sandbox().environment().variables();
    for (String name :
        List.of("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
      env.put(name, vars.get(name));
    }
    env.keySet().forEach(k -> cmd.addAll(List.of("-e", k)));
    cmd.add(c.path("image").asText());
    c.path("args").forEach(a -> cmd.add(a.asText()));
    StringBuilder line = new StringBuilder();
    cmd.forEach(
        a ->
            line.append(a.startsWith("podman_") ? a : "'" + a.replace("'", "'\\''") + "'")
                .append(' '));
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", ". deploy/image/podman.sh && " + line)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve(label + ".log").toFile());
    // Values by name only: no credential on a command line.
    pb.environment().putAll(env);
    return pb.start();
  }

  private static void readableByAll(Path dir) throws Exception {
    try (var all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  private static Process shell(String command, String label) throws Exception {
    return new ProcessBuilder("bash", "-c", ". deploy/image/podman.sh && " + command)
        .directory(ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(WORK.resolve(label + ".log").toFile())
        .start();
  }

  private static Finished finish(Process p, String label) throws Exception {
    if (!p.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(label + " still running after " + RUN);
    }
    Path log = WORK.resolve(label + ".log");
    String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    System.err.printf("[fleet-k8s] %s: exit %d%n", label, p.exitValue());
    return new Finished(p.exitValue(), out);
  }
}
