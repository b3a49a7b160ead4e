package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.cluster.ClusterVerify;
import io.eksscheduler.actions.drain.DrainNodes;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups;
import io.eksscheduler.actions.pausing.PauseAutoscalers;
import io.eksscheduler.actions.pausing.PauseGitOps;
import io.eksscheduler.actions.workloads.SleepWorkloads;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.ClusterAdminServiceAccount;
import io.eksscheduler.sandbox.junit.KubernetesThrottle;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;

/**
 * The hibernate sequence survives a throttled control plane and a flaky AWS. On a fresh dev
 * scenario, the actions run as a cluster-admin ServiceAccount whose requests share one seat of API
 * Priority and Fairness with another busy client (the real API server answers 429 whenever two of
 * their requests meet), and the simulator throttles one AWS call in ten and fails (5xx) one in ten
 * of the rest, which the SDK does not retry. gitops.pause, autoscaler.pause, workloads.sleep,
 * nodes.drain and nodegroups.scale run through the engine, with no step retry, and the cluster ends
 * with every node group at zero and no node left.
 */
@ExtendWith(SandboxExtension.class)
class ResilienceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FAULTS =
      "{\"throttle\":0.1,\"serverError\":0.1,\"resetCounts\":true}";
  private static final Duration NEIGHBOUR_PAUSE = Duration.ofMillis(20);
  private static final List<String> STEPS =
      List.of(
          "preflight",
          "pause-gitops",
          "pause-autoscalers",
          "sleep-workloads",
          "drain",
          "scale-to-zero");

  /** The stock hibernate playbook itself, as `eks-scheduler stop --cluster dev` runs it. */
  private static final Path PLAYBOOK =
      Path.of(System.getProperty("user.dir")).getParent().resolve("playbooks/hibernate.yaml");

  private static TestSandbox used;

  @TempDir Path state;

  @Test
  void hibernateCompletesUnderApiServerThrottlingAndAwsFaults(TestSandbox sandbox)
      throws Exception {
    used = sandbox;
    Duration reset = sandbox.reset();
    SimulatorConfig aws = sandbox.aws();
    // EKS's drain of a managed node waits up to 15 min for a pod its budget protects, as the
    // CoreDNS pod the drain leaves to termination is when it runs on one; an add-on pinned to
    // general makes that wait certain, and 5 min simulated (30 s at speed 10) keeps
    // nodegroups.scale
    // polling AWS long enough (over 40 calls) that the faults are sure to hit some.
    admin(aws, "settings", "{\"evictionTimeoutSeconds\":300}");
    pinAddOnWithBudget(sandbox.adminClient(), "general");
    ClusterAdminServiceAccount runner = sandbox.clusterAdminServiceAccount("hibernate");
    ClusterAdminServiceAccount neighbour = sandbox.clusterAdminServiceAccount("neighbour");
    long auditFrom = Files.size(sandbox.auditLog());
    long awsFrom = lines(sandbox.awsRequestLog());
    RunState run;
    JsonNode injected;
    long start = System.nanoTime();
    // The run's AWS clients do not retry: every injected fault reaches the action, as throttling
    // that outlasts the SDK's own retries would.
    try (EksClient eks = SandboxAws.configure(EksClient.builder(), aws, false).build();
        AutoScalingClient asg =
            SandboxAws.configure(AutoScalingClient.builder(), aws, false).build();
        KubernetesThrottle throttle =
            sandbox.throttleKubernetesGroup(ClusterAdminServiceAccount.GROUP);
        Neighbour busy = new Neighbour(neighbour.client())) {
      admin(aws, "faults", FAULTS);
      try {
        Clients clients =
            new Clients()
                .register(ApiClient.class, runner::client)
                .register(EksClient.class, () -> eks)
                .register(AutoScalingClient.class, () -> asg);
        run =
            new PlaybookRunner(
                    List.of(
                        new ClusterVerify(),
                        new PauseGitOps(),
                        new PauseAutoscalers(),
                        new SleepWorkloads(),
                        new DrainNodes(),
                        new ScaleNodeGroups()),
                    clients,
                    state)
                .run(
                    "r-resilience",
                    Files.readString(PLAYBOOK),
                    Map.of("cluster", "dev", "region", "", "force", false, "login", "auto"));
      } finally {
        injected = JSON.readTree(admin(aws, "faults", "{}")).path("injected");
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    for (String step : STEPS) {
      StepState s = run.step(step);
      assertEquals(StepStatus.SUCCEEDED, s.status(), step + ": " + s.error());
      assertEquals(1, s.attempts(), step + " needed a step retry");
    }
    assertEquals(RunStatus.SUCCEEDED, run.status());
    try (EksClient eks = SandboxAws.configure(EksClient.builder(), aws, true).build();
        AutoScalingClient asg =
            SandboxAws.configure(AutoScalingClient.builder(), aws, true).build()) {
      for (String group : eks.listNodegroups(r -> r.clusterName("dev")).nodegroups()) {
        NodegroupScalingConfig c =
            eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName(group))
                .nodegroup()
                .scalingConfig();
        assertEquals(0, c.desiredSize(), group + ": " + c);
        assertEquals(0, c.minSize(), group + ": " + c);
      }
      for (AutoScalingGroup g : asg.describeAutoScalingGroups().autoScalingGroups()) {
        assertEquals(0, g.desiredCapacity(), g.autoScalingGroupName());
        assertEquals(List.of(), g.instances(), g.autoScalingGroupName());
      }
    }
    assertEquals(
        List.of(),
        new CoreV1Api(sandbox.adminClient())
            .listNode().execute().getItems().stream().map(n -> n.getMetadata().getName()).toList());

    Audited audited = audit(sandbox.auditLog(), auditFrom, runner.username());
    long throttled = audited.throttled().values().stream().mapToLong(Long::longValue).sum();
    int awsFaults = 0;
    for (JsonNode counts : injected) {
      awsFaults += counts.path("throttle").asInt() + counts.path("serverError").asInt();
    }
    System.err.printf(
        "[resilience] reset %d ms; hibernate %d ms; %s: %d requests, %d answered 429 %s;"
            + " AWS: %d calls, %d faults injected %s%n",
        reset.toMillis(),
        took.toMillis(),
        runner.username(),
        audited.requests(),
        throttled,
        audited.throttled(),
        lines(sandbox.awsRequestLog()) - awsFrom,
        awsFaults,
        injected);
    assertTrue(throttled > 0, "the API server never throttled " + runner.username());
    assertTrue(awsFaults > 0, "the simulator injected no fault: " + injected);
  }

  /**
   * Runs one pod of a kube-system add-on on {@code nodegroup}, with a budget that allows no
   * disruption, and waits until it runs there.
   */
  private static void pinAddOnWithBudget(ApiClient admin, String nodegroup) throws ApiException {
    Map<String, String> labels = Map.of("app", "pinned-addon");
    new AppsV1Api(admin)
        .createNamespacedDeployment(
            "kube-system",
            new V1Deployment()
                .metadata(new V1ObjectMeta().name("pinned-addon").namespace("kube-system"))
                .spec(
                    new V1DeploymentSpec()
                        .replicas(1)
                        .selector(new V1LabelSelector().matchLabels(labels))
                        .template(
                            new V1PodTemplateSpec()
                                .metadata(new V1ObjectMeta().labels(labels))
                                .spec(
                                    new V1PodSpec()
                                        // client-java sends an empty overhead otherwise, which the
                                        // API server refuses without a RuntimeClass.
                                        .overhead(null)
                                        .nodeSelector(
                                            Map.of("eks.amazonaws.com/nodegroup", nodegroup))
                                        .addContainersItem(
                                            new V1Container()
                                                .name("addon")
                                                .image("public.ecr.aws/test/addon:1"))))))
        .execute();
    new PolicyV1Api(admin)
        .createNamespacedPodDisruptionBudget(
            "kube-system",
            new V1PodDisruptionBudget()
                .metadata(new V1ObjectMeta().name("pinned-addon").namespace("kube-system"))
                .spec(
                    new V1PodDisruptionBudgetSpec()
                        .minAvailable(new IntOrString(1))
                        .selector(new V1LabelSelector().matchLabels(labels))))
        .execute();
    CoreV1Api core = new CoreV1Api(admin);
    Wait.until(
        "the pinned add-on's pod Running on " + nodegroup,
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        () -> {
          try {
            List<V1Pod> pods =
                core.listNamespacedPod("kube-system")
                    .labelSelector("app=pinned-addon")
                    .execute()
                    .getItems();
            return pods.stream()
                    .anyMatch(
                        p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                ? Optional.empty()
                : Optional.of(pods.size() + " pods, none Running");
          } catch (ApiException e) {
            return Optional.of("HTTP " + e.getCode());
          }
        });
  }

  /** The shared sandbox goes back to a fresh dev scenario for the tests that follow. */
  @AfterAll
  static void resetForOthers() {
    if (used != null) {
      used.reset();
    }
  }

  /**
   * Another client of the actions' priority level, as a busy cluster has: it lists pods every few
   * milliseconds until closed, so that the actions' requests meet its requests at the level's one
   * seat in every step, not only where the actions make calls in parallel.
   */
  private static final class Neighbour implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;

    Neighbour(ApiClient client) {
      CoreV1Api core = new CoreV1Api(client);
      thread =
          new Thread(
              () -> {
                while (!stop) {
                  try {
                    core.listNamespacedPod("shop").execute();
                  } catch (ApiException e) {
                    // A 429 is what it is here for.
                  }
                  try {
                    Thread.sleep(NEIGHBOUR_PAUSE.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "apf-neighbour");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(Duration.ofMinutes(1).toMillis());
    }
  }

  /**
   * What the audit log recorded of one user's requests.
   *
   * @param requests how many
   * @param throttled those answered 429, by verb and resource
   */
  record Audited(long requests, Map<String, Long> throttled) {}

  /** What the audit log recorded of {@code user}'s requests from byte {@code from} on. */
  private static Audited audit(Path auditLog, long from, String user) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(auditLog.toFile(), "r")) {
      file.seek(from);
      byte[] rest = new byte[(int) (file.length() - from)];
      file.readFully(rest);
      String text = new String(rest, StandardCharsets.UTF_8);
      long requests = 0;
      Map<String, Long> throttled = new TreeMap<>();
      // The API server may be writing the last line: only whole lines are read.
      for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
        JsonNode event = JSON.readTree(line);
        if (!user.equals(event.path("user").path("username").asText())) {
          continue;
        }
        requests++;
        if (event.path("responseStatus").path("code").asInt() == 429) {
          JsonNode ref = event.path("objectRef");
          String call =
              event.path("verb").asText()
                  + " "
                  + ref.path("resource").asText()
                  + (ref.has("subresource") ? "/" + ref.path("subresource").asText() : "");
          throttled.merge(call, 1L, Long::sum);
        }
      }
      return new Audited(requests, throttled);
    }
  }

  /** The number of lines of {@code file}; none before it exists. */
  private static long lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  private static String admin(SimulatorConfig config, String path, String json) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(config.endpointUrl() + "/_sandbox/" + path))
                      .timeout(Duration.ofSeconds(10))
                      .PUT(HttpRequest.BodyPublishers.ofString(json))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("/_sandbox/" + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling /_sandbox/" + path, e);
    }
  }
}
