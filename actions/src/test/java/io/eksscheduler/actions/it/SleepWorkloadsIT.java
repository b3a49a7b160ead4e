package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.workloads.SleepWorkloads;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.run.EventSink;
import io.eksscheduler.engine.run.RunExecutor;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.scenario.SimulatedNodes;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobSpec;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1JobTemplateSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetSpec;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * workloads.sleep against the real API server, in namespaces of its own: a database StatefulSet, an
 * app Deployment that depends on it, an excluded Deployment and two CronJobs (one already
 * suspended), on a node of their own.
 */
@ExtendWith(SandboxExtension.class)
class SleepWorkloadsIT {
  private static final String TAINT = "sleep-it.eks-scheduler.io/dedicated";
  private static final String ORIGINAL = "eks-scheduler.io/original";

  @TempDir Path state;
  private ApiClient client;
  private String data;
  private String shop;
  private String group;
  private String node;

  @BeforeEach
  void setUp(TestSandbox sandbox) throws Exception {
    client = sandbox.adminClient();
    long id = System.nanoTime() % 100_000;
    data = "sleep-it-data-" + id;
    shop = "sleep-it-shop-" + id;
    group = "sleep-it-" + id;
    node = "ip-10-0-202-" + (id % 250) + ".eu-west-1.compute.internal";
    CoreV1Api core = new CoreV1Api(client);
    for (String ns : List.of(data, shop)) {
      core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns))).execute();
    }
    core.createNode(node("10.0.202." + (10 + id % 200))).execute();
    AppsV1Api apps = new AppsV1Api(client);
    apps.createNamespacedStatefulSet(
            data,
            new V1StatefulSet()
                .metadata(new V1ObjectMeta().name("db"))
                .spec(
                    new V1StatefulSetSpec()
                        .replicas(2)
                        .podManagementPolicy("Parallel")
                        .serviceName("db")
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "db")))
                        .template(template("db"))))
        .execute();
    apps.createNamespacedDeployment(
            shop, deployment("api", 2, Map.of("eks-scheduler.io/depends-on", data + "/db")))
        .execute();
    apps.createNamespacedDeployment(
            shop, deployment("keep", 1, Map.of("eks-scheduler.io/exclude", "true")))
        .execute();
    BatchV1Api batch = new BatchV1Api(client);
    batch.createNamespacedCronJob(shop, cronJob("report", false)).execute();
    batch.createNamespacedCronJob(shop, cronJob("archive", true)).execute();
    await(
        "db, api and keep pods Ready",
        () -> ready(data, "db") == 2 && ready(shop, "api") == 2 && ready(shop, "keep") == 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    for (String ns : List.of(data, shop)) {
      core.deleteNamespace(ns).execute();
    }
    core.deleteNode(node).execute();
  }

  @Test
  void dependentsSleepFirstAndOriginalsAreRecordedOnceInBothPlaces() throws Exception {
    AtomicBoolean dbScaledWhileApiRan = new AtomicBoolean();
    AtomicBoolean sawDbScaled = new AtomicBoolean();
    AtomicReference<Exception> watchError = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    // Reads the database first, then the app's pods: the database at 0 while an app pod is
    // still listed afterwards means the database was scaled before the app's pods were gone.
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  boolean dbAtZero = replicasOfDb() == 0;
                  int apiPods = pods(shop, "api");
                  if (dbAtZero) {
                    sawDbScaled.set(true);
                    if (apiPods > 0) {
                      dbScaledWhileApiRan.set(true);
                    }
                  }
                  Thread.sleep(50);
                }
              } catch (Exception e) {
                watchError.set(e);
              }
            });
    watcher.start();
    RunState first;
    try {
      first = sleep("r-first", "");
    } finally {
      done.set(true);
      watcher.join();
    }
    assertNull(watchError.get());
    assertEquals(RunStatus.SUCCEEDED, first.status(), String.valueOf(first.step("sleep").error()));
    assertTrue(sawDbScaled.get());
    assertFalse(dbScaledWhileApiRan.get(), "the database was scaled while app pods remained");

    AppsV1Api apps = new AppsV1Api(client);
    V1Deployment api = apps.readNamespacedDeployment("api", shop).execute();
    V1StatefulSet db = apps.readNamespacedStatefulSet("db", data).execute();
    assertEquals(0, api.getSpec().getReplicas());
    assertEquals(0, db.getSpec().getReplicas());
    assertEquals(0, pods(shop, "api"));
    assertEquals(0, pods(data, "db"));
    assertEquals(1, apps.readNamespacedDeployment("keep", shop).execute().getSpec().getReplicas());
    assertEquals(1, pods(shop, "keep"));
    assertEquals(
        "{\"v\":1,\"run\":\"r-first\",\"replicas\":2}",
        api.getMetadata().getAnnotations().get(ORIGINAL));
    assertEquals(
        "{\"v\":1,\"run\":\"r-first\",\"replicas\":2}",
        db.getMetadata().getAnnotations().get(ORIGINAL));
    BatchV1Api batch = new BatchV1Api(client);
    V1CronJob report = batch.readNamespacedCronJob("report", shop).execute();
    V1CronJob archive = batch.readNamespacedCronJob("archive", shop).execute();
    assertTrue(report.getSpec().getSuspend());
    assertTrue(archive.getSpec().getSuspend());
    assertEquals(
        "{\"v\":1,\"run\":\"r-first\",\"suspend\":false}",
        report.getMetadata().getAnnotations().get(ORIGINAL));
    assertEquals(
        "{\"v\":1,\"run\":\"r-first\",\"suspend\":true}",
        archive.getMetadata().getAnnotations().get(ORIGINAL));

    Map<String, JsonNode> ledger = first.step("sleep").ledger();
    assertEquals(
        "{\"v\":1,\"run\":\"r-first\",\"replicas\":2}",
        String.valueOf(ledger.get("original:Deployment " + shop + "/api")));
    assertEquals(
        "{\"v\":1,\"run\":\"r-first\",\"replicas\":2}",
        String.valueOf(ledger.get("original:StatefulSet " + data + "/db")));
    assertEquals(
        "{\"v\":1,\"run\":\"r-first\",\"suspend\":true}",
        String.valueOf(ledger.get("original:CronJob " + shop + "/archive")));
    assertEquals(4, ledger.size(), ledger.toString());

    Map<String, Object> out = first.step("sleep").outputs();
    assertEquals(
        List.of(
            List.of("CronJob " + shop + "/archive", "CronJob " + shop + "/report"),
            List.of("Deployment " + shop + "/api"),
            List.of("StatefulSet " + data + "/db")),
        out.get("waves"));
    assertTrue(
        out.get("excluded").toString().contains("Deployment " + shop + "/keep: annotated"),
        out.get("excluded").toString());

    Map<String, String> before = annotations();
    RunState second = sleep("r-second", "");
    assertEquals(
        RunStatus.SUCCEEDED, second.status(), String.valueOf(second.step("sleep").error()));
    assertEquals(before, annotations(), "a second stop records nothing new");
    assertEquals(Map.of(), second.step("sleep").ledger());
  }

  @Test
  void aCycleFailsTheStepNamingItBeforeAnyChange() throws Exception {
    RunState end =
        sleep("r-cycle", "      dependencies: {\"" + data + "/db\": [\"" + shop + "/api\"]}\n");
    assertEquals(RunStatus.FAILED, end.status());
    String error = end.step("sleep").error();
    assertTrue(
        error.contains("dependency cycle: " + data + "/db -> " + shop + "/api -> " + data + "/db"),
        error);
    assertEquals(2, replicasOfDb());
    assertEquals(
        2,
        new AppsV1Api(client)
            .readNamespacedDeployment("api", shop)
            .execute()
            .getSpec()
            .getReplicas());
    assertFalse(
        new BatchV1Api(client)
            .readNamespacedCronJob("report", shop)
            .execute()
            .getSpec()
            .getSuspend());
    assertTrue(annotations().values().stream().allMatch(v -> v == null), annotations().toString());
  }

  private Map<String, String> annotations() throws Exception {
    AppsV1Api apps = new AppsV1Api(client);
    BatchV1Api batch = new BatchV1Api(client);
    Map<String, String> out = new HashMap<>();
    out.put("api", original(apps.readNamespacedDeployment("api", shop).execute().getMetadata()));
    out.put("db", original(apps.readNamespacedStatefulSet("db", data).execute().getMetadata()));
    out.put("keep", original(apps.readNamespacedDeployment("keep", shop).execute().getMetadata()));
    out.put(
        "report", original(batch.readNamespacedCronJob("report", shop).execute().getMetadata()));
    out.put(
        "archive", original(batch.readNamespacedCronJob("archive", shop).execute().getMetadata()));
    return out;
  }

  private static String original(V1ObjectMeta meta) {
    return meta.getAnnotations() == null ? null : meta.getAnnotations().get(ORIGINAL);
  }

  private RunState sleep(String runId, String extra) throws Exception {
    String yaml =
        "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: sleep-it}\nsteps:\n"
            + "  - id: sleep\n    action: workloads.sleep\n    timeout: 3m\n    with:\n"
            + "      namespaces: ["
            + data
            + ", "
            + shop
            + "]\n"
            + extra;
    ActionRegistry actions = new ActionRegistry(List.of(new SleepWorkloads()));
    SchemaCheck schemas = new SchemaCheck();
    PlaybookLoader.Result loaded =
        new PlaybookLoader(actions, schemas, YamlLimits.DEFAULT).load(yaml, "sleep.yaml");
    assertEquals(List.of(), loaded.problems());
    RunExecutor.Settings settings =
        new RunExecutor.Settings(
            Clock.systemUTC(), Sleeper.system(), new Random(), Duration.ofSeconds(10), Map.of());
    Clients clients = new Clients().register(ApiClient.class, () -> client);
    DirectoryRunStore store = new DirectoryRunStore(state);
    try {
      return new Runs(new RunExecutor(actions, schemas, clients, settings), store, settings, "it")
          .start(
              loaded.playbook().orElseThrow(),
              yaml,
              Map.of(),
              runId,
              EventSink.none(),
              new AtomicBoolean(),
              (k, h) -> {});
    } finally {
      store.close();
    }
  }

  private int replicasOfDb() throws Exception {
    return new AppsV1Api(client)
        .readNamespacedStatefulSet("db", data)
        .execute()
        .getSpec()
        .getReplicas();
  }

  private int pods(String ns, String app) throws Exception {
    return new CoreV1Api(client)
        .listNamespacedPod(ns)
        .labelSelector("app=" + app)
        .execute()
        .getItems()
        .size();
  }

  private int ready(String ns, String app) throws Exception {
    return (int)
        new CoreV1Api(client)
            .listNamespacedPod(ns).labelSelector("app=" + app).execute().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(
                    p ->
                        p.getStatus() != null
                            && p.getStatus().getConditions() != null
                            && p.getStatus().getConditions().stream()
                                .anyMatch(
                                    c ->
                                        "Ready".equals(c.getType())
                                            && "True".equals(c.getStatus())))
                .count();
  }

  private V1PodTemplateSpec template(String app) {
    return new V1PodTemplateSpec()
        .metadata(new V1ObjectMeta().labels(Map.of("app", app)))
        .spec(
            new V1PodSpec()
                .containers(List.of(new V1Container().name(app).image("example/" + app + ":1")))
                .terminationGracePeriodSeconds(2L)
                .nodeSelector(Map.of(SimulatedNodes.NODE_GROUP_LABEL, group))
                .tolerations(List.of(new V1Toleration().key(TAINT).operator("Exists"))));
  }

  private V1Deployment deployment(String name, int replicas, Map<String, String> annotations) {
    return new V1Deployment()
        .metadata(new V1ObjectMeta().name(name).annotations(annotations))
        .spec(
            new V1DeploymentSpec()
                .replicas(replicas)
                .selector(new V1LabelSelector().matchLabels(Map.of("app", name)))
                .template(template(name)));
  }

  private V1CronJob cronJob(String name, boolean suspended) {
    return new V1CronJob()
        .metadata(new V1ObjectMeta().name(name))
        .spec(
            new V1CronJobSpec()
                .schedule("0 3 * * *")
                .suspend(suspended)
                .jobTemplate(
                    new V1JobTemplateSpec()
                        .spec(
                            new V1JobSpec()
                                .template(
                                    template(name)
                                        .spec(template(name).getSpec().restartPolicy("Never"))))));
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out after 60s waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private V1Node node(String ip) {
    return TestNodes.tainted(node, ip, group, TAINT, "4", "16Gi");
  }
}
