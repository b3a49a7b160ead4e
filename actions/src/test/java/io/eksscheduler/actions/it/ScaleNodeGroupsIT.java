package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.nodegroups.RestoreNodeGroups;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.run.EventSink;
import io.eksscheduler.engine.run.RunExecutor;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.SuspendedProcess;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;

/**
 * nodegroups.scale against the sandbox's AWS simulator and API server: the managed group general
 * (no webhooks run there) and the self-managed group batch go to zero with their originals in the
 * ledger and in tags; then everything is put back as it was for the ITs that follow.
 */
@ExtendWith(SandboxExtension.class)
class ScaleNodeGroupsIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String GENERAL = "general";

  @TempDir Path state;

  @Test
  void generalAndBatchGoToZeroWithTheirOriginalsRecordedThenASecondRunChangesNothing(
      TestSandbox sandbox) throws Exception {
    ApiClient client = sandbox.adminClient();
    SimulatorConfig config = sandbox.aws();
    try (EksClient eks = SandboxAws.configure(EksClient.builder(), config).build();
        AutoScalingClient asg = SandboxAws.configure(AutoScalingClient.builder(), config).build()) {
      AutoScalingGroup batch = selfManaged(asg);
      String batchName = batch.autoScalingGroupName();
      NodegroupScalingConfig general = scaling(eks);
      List<String> suspendedBefore =
          batch.suspendedProcesses().stream().map(SuspendedProcess::processName).toList();
      // The database's PDB would hold a general node 15 min; 60 s simulated keeps the test short.
      admin(config, "settings", "{\"evictionTimeoutSeconds\":60}");
      try {
        Clients clients =
            new Clients()
                .register(ApiClient.class, () -> client)
                .register(EksClient.class, () -> eks)
                .register(AutoScalingClient.class, () -> asg);
        String with =
            "      cluster: dev\n      nodegroups: [general, "
                + batchName
                + "]\n"
                + "      size: zero\n";
        List<String> toSuspend =
            List.of("AZRebalance", "AlarmNotification", "ScheduledActions").stream()
                .filter(p -> !suspendedBefore.contains(p))
                .toList();
        String sizes = general.minSize() + "/" + general.desiredSize() + "/" + general.maxSize();
        String batchSizes = batch.minSize() + "/" + batch.desiredCapacity() + "/" + batch.maxSize();
        Plan preview = plan(clients, with);
        // For the steps after it, no node of its groups is left: by label, or by instance.
        String gone = preview.effects().get(0).line();
        assertTrue(gone.contains("nodes of node groups " + GENERAL), gone);
        batch
            .instances()
            .forEach(i -> assertTrue(gone.contains(i.instanceId()), i.instanceId() + ": " + gone));
        assertEquals(
            List.of(
                "nodegroup general: min/desired/max " + sizes + " -> 0/0/" + general.maxSize(),
                "asg "
                    + batchName
                    + ": suspend "
                    + String.join(", ", toSuspend)
                    + "; "
                    + batchSizes
                    + " -> 0/0/"
                    + batch.maxSize()),
            preview.changes());

        RunState first = run(clients, "r-scale-1", with);
        assertEquals(
            RunStatus.SUCCEEDED, first.status(), String.valueOf(first.step("step").error()));
        String generalJson =
            "{\"v\":1,\"run\":\"r-scale-1\",\"min\":"
                + general.minSize()
                + ",\"desired\":"
                + general.desiredSize()
                + ",\"max\":"
                + general.maxSize()
                + "}";
        String batchJson =
            "{\"v\":1,\"run\":\"r-scale-1\",\"min\":"
                + batch.minSize()
                + ",\"desired\":"
                + batch.desiredCapacity()
                + ",\"max\":"
                + batch.maxSize()
                + ",\"suspendedBefore\":"
                + jsonList(suspendedBefore)
                + ",\"suspended\":"
                + jsonList(toSuspend)
                + "}";
        Map<String, JsonNode> ledger = first.step("step").ledger();
        assertEquals(5, ledger.size(), ledger.toString());
        // The update's request token, recorded before the call, for retries and resumes.
        JsonNode update = ledger.get("update:nodegroup general");
        assertEquals(0, update.path("desired").asInt(), update.toString());
        assertTrue(!update.path("token").asText().isEmpty(), update.toString());
        assertEquals(generalJson, String.valueOf(ledger.get("original:nodegroup general")));
        assertEquals(batchJson, String.valueOf(ledger.get("original:asg " + batchName)));
        // What each group ran, for fleet status's node-hours.
        assertEquals(
            "{\"count\":"
                + general.desiredSize()
                + ",\"instanceType\":\"m5.large\",\"spot\":false}",
            String.valueOf(ledger.get(ScaleNodeGroups.NODES + "nodegroup general")));
        assertEquals(
            "{\"count\":"
                + batch.desiredCapacity()
                + ",\"instanceType\":\"c5.xlarge\",\"spot\":false}",
            String.valueOf(ledger.get(ScaleNodeGroups.NODES + "asg " + batchName)));
        assertEquals(
            generalJson,
            eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName(GENERAL))
                .nodegroup()
                .tags()
                .get(ScaleNodeGroups.TAG));
        AutoScalingGroup after = selfManaged(asg);
        assertEquals(batchJson, tag(after).orElseThrow());
        assertTrue(
            after.suspendedProcesses().stream()
                .map(SuspendedProcess::processName)
                .toList()
                .containsAll(List.of("AZRebalance", "AlarmNotification", "ScheduledActions")),
            after.suspendedProcesses().toString());
        assertEquals(0, after.minSize());
        assertEquals(0, after.desiredCapacity());
        assertEquals(batch.maxSize(), after.maxSize());
        assertEquals(0, after.instances().size());
        NodegroupScalingConfig scaled = scaling(eks);
        assertEquals(0, scaled.minSize());
        assertEquals(0, scaled.desiredSize());
        assertEquals(general.maxSize(), scaled.maxSize());
        assertEquals(List.of(), groupNodes(client, GENERAL));

        // At zero already: nothing changes; both groups are kept, apart.
        Plan again = plan(clients, with);
        assertEquals(List.of(), again.changes());
        assertEquals(
            List.of(
                "nodegroup general: already at zero (original recorded by run r-scale-1)",
                "asg " + batchName + ": already at zero (original recorded by run r-scale-1)"),
            again.unchanged());
        RunState second = run(clients, "r-scale-2", with);
        assertEquals(
            RunStatus.SUCCEEDED, second.status(), String.valueOf(second.step("step").error()));
        assertEquals(Map.of(), second.step("step").ledger());
        assertEquals(
            generalJson,
            eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName(GENERAL))
                .nodegroup()
                .tags()
                .get(ScaleNodeGroups.TAG));
      } finally {
        restore(eks, asg, client, config, batch, general, suspendedBefore);
      }
    }
  }

  /**
   * A stop whose UpdateNodegroupConfig and UpdateAutoScalingGroup answers are lost (the simulator
   * makes the change, then answers 500; the clients have no retries of their own, so each loss
   * reaches the action), then a wake whose UpdateAutoScalingGroup first meets
   * ScalingActivityInProgress twice: one ConfigUpdate per stop and per wake, and both groups back
   * exactly as they were.
   */
  @Test
  void lostAnswersAndABusyGroupLeaveOneUpdateEachAndAnExactRoundTrip(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    SimulatorConfig config = sandbox.aws();
    try (EksClient eks = SandboxAws.configure(EksClient.builder(), config, false).build();
        AutoScalingClient asg =
            SandboxAws.configure(AutoScalingClient.builder(), config, false).build()) {
      AutoScalingGroup batch = selfManaged(asg);
      String batchName = batch.autoScalingGroupName();
      NodegroupScalingConfig general = scaling(eks);
      List<String> suspendedBefore =
          batch.suspendedProcesses().stream().map(SuspendedProcess::processName).toList();
      int updatesBefore = configUpdates(eks);
      admin(config, "settings", "{\"evictionTimeoutSeconds\":60}");
      try {
        Clients clients =
            new Clients()
                .register(ApiClient.class, () -> client)
                .register(EksClient.class, () -> eks)
                .register(AutoScalingClient.class, () -> asg);
        String with = "      cluster: dev\n      nodegroups: [general, " + batchName + "]\n";
        // The first two answers of each operation are lost.
        admin(
            config,
            "faults",
            "{\"lostAnswer\":1.0,\"budget\":2,\"resetCounts\":true,"
                + "\"operations\":[\"UpdateNodegroupConfig\",\"UpdateAutoScalingGroup\"]}");
        RunState stop = runYaml(clients, "r-lost-1", yaml("nodegroups.scale", with));
        assertEquals(RunStatus.SUCCEEDED, stop.status(), String.valueOf(stop.step("step").error()));
        String injected = admin(config, "faults", "{}").path("injected").toString();
        assertEquals(updatesBefore + 1, configUpdates(eks), injected);
        // Batch's sizes were read again after the lost answer, not sent again.
        assertEquals(
            "{\"autoscaling:UpdateAutoScalingGroup\":{\"lostAnswer\":1},"
                + "\"eks:UpdateNodegroupConfig\":{\"lostAnswer\":2}}",
            injected);
        NodegroupScalingConfig stopped = scaling(eks);
        assertEquals(List.of(0, 0, general.maxSize()), sizes(stopped));
        AutoScalingGroup asleep = selfManaged(asg);
        assertEquals(
            List.of(0, 0, batch.maxSize()),
            List.of(asleep.minSize(), asleep.desiredCapacity(), asleep.maxSize()));
        assertEquals(0, asleep.instances().size());

        admin(
            config,
            "faults",
            "{\"busy\":1.0,\"budget\":2,\"resetCounts\":true,"
                + "\"operations\":[\"UpdateAutoScalingGroup\"]}");
        RunState wake = runYaml(clients, "r-lost-2", yaml("nodegroups.restore", with));
        assertEquals(RunStatus.SUCCEEDED, wake.status(), String.valueOf(wake.step("step").error()));
        assertEquals(
            "{\"autoscaling:UpdateAutoScalingGroup\":{\"busy\":2}}",
            admin(config, "faults", "{}").path("injected").toString());
        assertEquals(updatesBefore + 2, configUpdates(eks));
        assertEquals(sizes(general), sizes(scaling(eks)));
        AutoScalingGroup awake = selfManaged(asg);
        assertEquals(
            List.of(batch.minSize(), batch.desiredCapacity(), batch.maxSize()),
            List.of(awake.minSize(), awake.desiredCapacity(), awake.maxSize()));
        assertEquals(
            suspendedBefore,
            awake.suspendedProcesses().stream().map(SuspendedProcess::processName).toList());
        assertEquals(Optional.empty(), tag(awake));
        assertEquals(
            null,
            eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName(GENERAL))
                .nodegroup()
                .tags()
                .get(ScaleNodeGroups.TAG));
      } finally {
        admin(config, "faults", "{}");
        restore(eks, asg, client, config, batch, general, suspendedBefore);
      }
    }
  }

  private static int configUpdates(EksClient eks) {
    return (int)
        eks.listUpdatesPaginator(r -> r.name("dev").nodegroupName(GENERAL)).updateIds().stream()
            .count();
  }

  private static List<Integer> sizes(NodegroupScalingConfig c) {
    return List.of(c.minSize(), c.desiredSize(), c.maxSize());
  }

  /** Puts general and batch back exactly as they were, without the tags, and Ready. */
  private static void restore(
      EksClient eks,
      AutoScalingClient asg,
      ApiClient client,
      SimulatorConfig config,
      AutoScalingGroup batch,
      NodegroupScalingConfig general,
      List<String> suspendedBefore) {
    try {
      String name = batch.autoScalingGroupName();
      asg.deleteTags(
          r ->
              r.tags(
                  t ->
                      t.resourceId(name)
                          .resourceType("auto-scaling-group")
                          .key(ScaleNodeGroups.TAG)));
      List<String> resume =
          List.of("AZRebalance", "AlarmNotification", "ScheduledActions").stream()
              .filter(p -> !suspendedBefore.contains(p))
              .toList();
      asg.resumeProcesses(r -> r.autoScalingGroupName(name).scalingProcesses(resume));
      asg.updateAutoScalingGroup(
          r ->
              r.autoScalingGroupName(name)
                  .minSize(batch.minSize())
                  .maxSize(batch.maxSize())
                  .desiredCapacity(batch.desiredCapacity()));
      String arn =
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName(GENERAL))
              .nodegroup()
              .nodegroupArn();
      eks.untagResource(r -> r.resourceArn(arn).tagKeys(ScaleNodeGroups.TAG));
      awaitActive(eks);
      NodegroupScalingConfig now = scaling(eks);
      if (!now.equals(general)) {
        eks.updateNodegroupConfig(
            r ->
                r.clusterName("dev")
                    .nodegroupName(GENERAL)
                    .scalingConfig(
                        s ->
                            s.minSize(general.minSize())
                                .desiredSize(general.desiredSize())
                                .maxSize(general.maxSize())));
      }
      Wait.until(
          general.desiredSize() + " Ready general nodes",
          WAIT,
          Duration.ofMillis(200),
          () -> {
            List<V1Node> nodes = groupNodes(client, GENERAL);
            long ready = nodes.stream().filter(ScaleNodeGroupsIT::ready).count();
            return nodes.size() == general.desiredSize() && ready == nodes.size()
                ? Optional.empty()
                : Optional.of(ready + " Ready of " + nodes.size());
          });
      awaitActive(eks);
      Wait.until(
          batch.desiredCapacity() + " InService batch instances",
          WAIT,
          Duration.ofMillis(200),
          () -> {
            long in =
                selfManaged(asg).instances().stream()
                    .filter(i -> "InService".equals(i.lifecycleStateAsString()))
                    .count();
            return in == batch.desiredCapacity()
                ? Optional.empty()
                : Optional.of(in + " InService");
          });
    } finally {
      admin(config, "settings", "{\"evictionTimeoutSeconds\":900}");
    }
  }

  private static void awaitActive(EksClient eks) {
    Wait.until(
        "general to have no update in progress",
        WAIT,
        Duration.ofMillis(200),
        () ->
            eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName(GENERAL))
                    .nodegroup()
                    .statusAsString()
                    .equals("ACTIVE")
                ? Optional.empty()
                : Optional.of("UPDATING"));
  }

  private static boolean ready(V1Node n) {
    return n.getStatus() != null
        && n.getStatus().getConditions() != null
        && n.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String jsonList(List<String> items) {
    return items.stream()
        .map(s -> "\"" + s + "\"")
        .collect(java.util.stream.Collectors.joining(",", "[", "]"));
  }

  private static Optional<String> tag(AutoScalingGroup g) {
    return g.tags().stream()
        .filter(t -> ScaleNodeGroups.TAG.equals(t.key()))
        .map(TagDescription::value)
        .findFirst();
  }

  private static NodegroupScalingConfig scaling(EksClient eks) {
    return eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName(GENERAL))
        .nodegroup()
        .scalingConfig();
  }

  private static AutoScalingGroup selfManaged(AutoScalingClient asg) {
    return asg
        .describeAutoScalingGroups(
            r ->
                r.filters(
                    Filter.builder().name("tag-key").values("kubernetes.io/cluster/dev").build()))
        .autoScalingGroups()
        .stream()
        .filter(g -> g.tags().stream().noneMatch(t -> t.key().equals("eks:nodegroup-name")))
        .findFirst()
        .orElseThrow();
  }

  private static List<V1Node> groupNodes(ApiClient client, String group) {
    try {
      return new CoreV1Api(client)
          .listNode()
          .labelSelector("eks.amazonaws.com/nodegroup=" + group)
          .execute()
          .getItems();
    } catch (ApiException e) {
      throw new IllegalStateException("listing nodes: HTTP " + e.getCode(), e);
    }
  }

  private static JsonNode admin(SimulatorConfig config, String path, String json) {
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
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    } catch (Exception e) {
      throw new IllegalStateException("/_sandbox/" + path + ": " + e.getMessage(), e);
    }
  }

  private static String yaml(String with) {
    return yaml("nodegroups.scale", with);
  }

  private static String yaml(String action, String with) {
    return "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: it}\nsteps:\n"
        + "  - id: step\n    action: "
        + action
        + "\n    timeout: 5m\n    with:\n"
        + with;
  }

  private static ActionRegistry registry() {
    return new ActionRegistry(List.of(new ScaleNodeGroups(), new RestoreNodeGroups()));
  }

  private static RunExecutor.Settings settings() {
    return new RunExecutor.Settings(
        Clock.systemUTC(), Sleeper.system(), new Random(), Duration.ofSeconds(10), Map.of());
  }

  private static Playbook load(String yaml) {
    PlaybookLoader.Result loaded =
        new PlaybookLoader(registry(), new SchemaCheck(), YamlLimits.DEFAULT).load(yaml, "it.yaml");
    assertEquals(List.of(), loaded.problems());
    return loaded.playbook().orElseThrow();
  }

  private RunState run(Clients clients, String runId, String with) throws Exception {
    return runYaml(clients, runId, yaml(with));
  }

  private RunState runYaml(Clients clients, String runId, String yaml) throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(state);
    try {
      return new Runs(
              new RunExecutor(registry(), new SchemaCheck(), clients, settings()),
              store,
              settings(),
              "it")
          .start(
              load(yaml),
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

  private static Plan plan(Clients clients, String with) {
    DryRun.StepPreview preview =
        new DryRun(registry(), new SchemaCheck(), clients, settings())
            .preview(load(yaml(with)), Map.of(), "r-dry")
            .get(0);
    return preview.plan().orElseThrow(() -> new AssertionError("no plan: " + preview.error()));
  }
}
