package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.sandbox.scenario.NodeGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's EKS API without a server: requests as the SDKs send them, on a fake clock. */
class EksApiTest {

  private static final AwsIdentity ADMIN =
      new AwsIdentity(
          "admin",
          "arn:aws:iam::111122223333:user/admin",
          "AIDA1",
          "AKIA1",
          "s",
          "a",
          List.of("system:masters"));

  @TempDir Path dir;
  private final MovableClock clock = new MovableClock();
  private Simulator simulator;
  private EksApi eks;

  @BeforeEach
  void simulator() {
    Map<String, String> clusterTags = new LinkedHashMap<>();
    for (int i = 0; i < 49; i++) {
      clusterTags.put("tag" + i, "v");
    }
    NodeGroup general =
        NodeGroup.managed(
            "general", 2, List.of("eu-west-1a", "eu-west-1b"), "m5.large", Map.of(), Map.of());
    SimulatorConfig config =
        new SimulatorConfig(
            0,
            "eu-west-1",
            "test",
            "dev",
            "1.36",
            "111122223333",
            clusterTags,
            "https://127.0.0.1:6443",
            "",
            dir.resolve("admin.kubeconfig").toString(),
            1,
            40_000,
            900_000,
            List.of(general),
            List.of(ADMIN));
    simulator = new Simulator(config, new StateStore(dir.resolve("state.json")), clock);
    eks = new EksApi(simulator);
  }

  private JsonNode call(String method, String path, String query, String body) {
    EksApi.Route route = EksApi.route(method, path).orElseThrow();
    return eks.execute(
        route,
        new AwsRequest(
            method, path, query, body.getBytes(StandardCharsets.UTF_8), ADMIN, "eks", "eu-west-1"));
  }

  private String clusterTagsPath() {
    return "/tags/" + simulator.config().clusterArn().replace(":", "%3A").replace("/", "%2F");
  }

  @Test
  void tagResourceCountsAnOverwrittenKeyOnceAgainstTheLimitOf50() {
    // 49 tags; tag0 overwritten and one new key make 50.
    call("POST", clusterTagsPath(), null, "{\"tags\":{\"tag0\":\"new\",\"extra\":\"x\"}}");

    Map<String, String> tags = simulator.read(st -> Map.copyOf(st.clusterTags));
    assertEquals(50, tags.size());
    assertEquals("new", tags.get("tag0"));
  }

  @Test
  void tagResourceRefusesA51stTag() {
    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                call(
                    "POST",
                    clusterTagsPath(),
                    null,
                    "{\"tags\":{\"extra1\":\"x\",\"extra2\":\"y\"}}"));

    assertEquals("BadRequestException", e.code());
    assertEquals(49, (int) simulator.read(st -> st.clusterTags.size()), "nothing was tagged");
  }

  private static final String CREATE =
      "{\"nodegroupName\":\"extra\",\"nodeRole\":\"arn:aws:iam::111122223333:role/node\","
          + "\"subnets\":[SUBNETS],\"instanceTypes\":[\"t3.large\"],"
          + "\"scalingConfig\":{\"minSize\":1,\"maxSize\":3,\"desiredSize\":2},"
          + "\"labels\":{\"workload\":\"extra\"},"
          + "\"taints\":[{\"key\":\"dedicated\",\"value\":\"extra\",\"effect\":\"NO_SCHEDULE\"}],"
          + "\"tags\":{\"team\":\"x\"},\"capacityType\":\"SPOT\",\"clientRequestToken\":\"t-1\"}";

  private String createBody() {
    String subnets =
        simulator.read(
            st ->
                String.join(
                    ",",
                    st.groups.get(0).subnets.values().stream().map(v -> "\"" + v + "\"").toList()));
    return CREATE.replace("SUBNETS", subnets);
  }

  private JsonNode describe(String name) {
    return call("GET", "/clusters/dev/node-groups/" + name, null, "").path("nodegroup");
  }

  private SimulatedAws.Group group(String name) {
    return simulator.read(st -> simulator.group(name).orElseThrow());
  }

  private List<String> instanceIds(String name) {
    return simulator.read(
        st ->
            simulator.group(name).orElseThrow().instances.stream().map(i -> i.instanceId).toList());
  }

  /** What NodeReconciler does, for nodes without pods: joins, drains and terminations. */
  private void reconcile(long advanceMillis) {
    clock.advance(advanceMillis);
    Simulator.Work work = simulator.step();
    simulator.nodesCreated(
        work.nodesToCreate().stream().map(e -> e.getValue().instanceId).toList());
    work.nodesToDrain().forEach(e -> simulator.drained(e.getValue().instanceId));
    work.nodesToTerminate().forEach(e -> simulator.terminated(e.getValue().instanceId));
  }

  @Test
  void createNodegroupIsCreatingThenActiveOnceItsNodesJoined() {
    JsonNode created =
        call("POST", "/clusters/dev/node-groups", null, createBody()).path("nodegroup");

    assertEquals("CREATING", created.path("status").asText());
    assertEquals("SPOT", created.path("capacityType").asText());
    assertEquals("t3.large", created.path("instanceTypes").get(0).asText());
    assertEquals(2, created.path("scalingConfig").path("desiredSize").asInt());
    assertEquals("extra", created.path("labels").path("workload").asText());
    assertEquals("NO_SCHEDULE", created.path("taints").get(0).path("effect").asText());
    assertEquals("x", created.path("tags").path("team").asText());
    String asg = created.path("resources").path("autoScalingGroups").get(0).path("name").asText();
    assertTrue(asg.matches("eks-extra-[0-9a-f-]{36}"), asg);
    assertTrue(
        created.path("nodegroupArn").asText().endsWith(asg.substring("eks-extra-".length())));
    assertEquals(
        List.of("general", "extra"),
        listOf(call("GET", "/clusters/dev/node-groups", null, "").path("nodegroups")));
    assertTrue(
        group("extra").asgTags.stream()
            .anyMatch(t -> t.key.equals("eks:nodegroup-name") && t.value.equals("extra")));

    reconcile(0);
    assertEquals(2, instanceIds("extra").size(), "the backing group launched its instances");
    reconcile(40_000);
    assertEquals(
        "InService", group("extra").instances.get(0).lifecycleState, "after the launch delay");
    assertEquals("CREATING", describe("extra").path("status").asText());
    reconcile(EksNodegroups.CREATE.toMillis());
    assertEquals("ACTIVE", describe("extra").path("status").asText());
  }

  @Test
  void createNodegroupRefusesATakenNameUnlessItsTokenIsTheSame() {
    call("POST", "/clusters/dev/node-groups", null, createBody());

    JsonNode again =
        call("POST", "/clusters/dev/node-groups", null, createBody()).path("nodegroup");
    assertEquals("CREATING", again.path("status").asText(), "the same token: the same group");
    AwsError taken =
        assertThrows(
            AwsError.class,
            () ->
                call(
                    "POST", "/clusters/dev/node-groups", null, createBody().replace("t-1", "t-2")));
    assertEquals(409, taken.status());
    assertEquals("ResourceInUseException", taken.code());
    AwsError scenario =
        assertThrows(
            AwsError.class,
            () ->
                call(
                    "POST",
                    "/clusters/dev/node-groups",
                    null,
                    createBody().replace("\"extra\",\"nodeRole", "\"general\",\"nodeRole")));
    assertEquals("ResourceInUseException", scenario.code());
  }

  @Test
  void createNodegroupValidatesItsRequest() {
    assertEquals(
        "ResourceNotFoundException",
        assertThrows(
                AwsError.class,
                () -> call("POST", "/clusters/other/node-groups", null, createBody()))
            .code());
    for (String bad :
        List.of(
            createBody().replace("\"minSize\":1,", ""),
            createBody().replace("\"minSize\":1", "\"minSize\":3"),
            createBody().replace("\"maxSize\":3", "\"maxSize\":0"),
            createBody().replaceFirst("subnet-0[0-9a-f]+", "subnet-0unknown"),
            createBody().replace("t3.large", "p5.48xlarge"),
            createBody().replace("NO_SCHEDULE", "NoSchedule"))) {
      AwsError e =
          assertThrows(
              AwsError.class, () -> call("POST", "/clusters/dev/node-groups", null, bad), bad);
      assertEquals(400, e.status(), bad);
      assertEquals("InvalidParameterException", e.code(), bad);
    }
    assertEquals(
        List.of("general"), simulator.read(st -> st.groups.stream().map(g -> g.name).toList()));
  }

  @Test
  void aCreatingGroupRefusesUpdatesAndDeletion() {
    call("POST", "/clusters/dev/node-groups", null, createBody());

    for (String[] op :
        List.of(
            new String[] {"POST", "/clusters/dev/node-groups/extra/update-config"},
            new String[] {"POST", "/clusters/dev/node-groups/extra/update-version"},
            new String[] {"DELETE", "/clusters/dev/node-groups/extra"})) {
      AwsError e =
          assertThrows(
              AwsError.class,
              () -> call(op[0], op[1], null, "{\"scalingConfig\":{\"desiredSize\":1}}"));
      assertEquals("ResourceInUseException", e.code(), op[1]);
    }
  }

  @Test
  void deleteNodegroupDrainsAndTerminatesItsNodesThenTheGroupIsGone() {
    List<String> before = instanceIds("general");
    JsonNode deleting =
        call("DELETE", "/clusters/dev/node-groups/general", null, "").path("nodegroup");

    assertEquals("DELETING", deleting.path("status").asText());
    assertEquals("DELETING", describe("general").path("status").asText());
    assertEquals(
        "ResourceInUseException",
        assertThrows(
                AwsError.class,
                () -> call("POST", "/clusters/dev/node-groups/general/update-version", null, "{}"))
            .code());
    assertTrue(
        group("general").instances.stream().allMatch(i -> i.lifecycleState.equals("Terminating")));
    reconcile(0);
    reconcile(0);
    assertEquals(List.of(), instanceIds("general"), "drained (no pods) and terminated: " + before);
    assertEquals("DELETING", describe("general").path("status").asText());
    reconcile(EksNodegroups.DELETE.toMillis());
    AwsError gone = assertThrows(AwsError.class, () -> describe("general"));
    assertEquals("ResourceNotFoundException", gone.code());
    assertEquals(
        List.of(), listOf(call("GET", "/clusters/dev/node-groups", null, "").path("nodegroups")));
  }

  @Test
  void aVersionUpdateReplacesEveryNodeOneAtATime() {
    List<String> before = instanceIds("general");
    JsonNode update =
        call("POST", "/clusters/dev/node-groups/general/update-version", null, "{}").path("update");
    String id = update.path("id").asText();

    reconcile(0);
    assertEquals(4, instanceIds("general").size(), "scale-up: a surge of two new instances");
    int maxTerminating = 0;
    for (int i = 0;
        i < 200 && describe("general").path("status").asText().equals("UPDATING");
        i++) {
      reconcile(5_000);
      maxTerminating =
          Math.max(
              maxTerminating,
              (int)
                  group("general").instances.stream()
                      .filter(x -> x.lifecycleState.equals("Terminating"))
                      .count());
    }

    assertEquals(
        "Successful",
        call("GET", "/clusters/dev/updates/" + id, "nodegroupName=general", "")
            .path("update")
            .path("status")
            .asText());
    List<String> after = instanceIds("general");
    assertEquals(2, after.size());
    assertTrue(after.stream().noneMatch(before::contains), before + " -> " + after);
    assertEquals(1, maxTerminating, "maxUnavailable 1");
    assertEquals(0, group("general").surge, "scale-down: the backing group is back to its size");
    assertEquals("1.36.0-20260601", describe("general").path("releaseVersion").asText());
    long took = clock.millis() - (long) (update.path("createdAt").asDouble() * 1000);
    assertTrue(took >= 2 * EksRollouts.PER_NODE.toMillis(), "3 simulated minutes a node: " + took);
  }

  @Test
  void aVersionUpdateOfMoreNodesThanItsSurgeGivesEveryNewNodeANewName() {
    String oneSubnet = createBody().replaceFirst(",\"subnet-0[0-9a-f]+\"", "");
    call(
        "POST",
        "/clusters/dev/node-groups",
        null,
        oneSubnet.replace("\"maxSize\":3,\"desiredSize\":2", "\"maxSize\":3,\"desiredSize\":3"));
    for (int i = 0; i < 10 && !describe("extra").path("status").asText().equals("ACTIVE"); i++) {
      reconcile(40_000);
    }
    List<String> before = nodeNames("extra");
    assertEquals(3, before.size());

    call("POST", "/clusters/dev/node-groups/extra/update-version", null, "{}");
    reconcile(0);
    assertEquals(5, instanceIds("extra").size(), "a surge of twice its one zone");
    for (int i = 0; i < 300 && describe("extra").path("status").asText().equals("UPDATING"); i++) {
      reconcile(5_000);
    }

    assertEquals("ACTIVE", describe("extra").path("status").asText());
    List<String> after = nodeNames("extra");
    assertEquals(3, after.size());
    assertTrue(after.stream().noneMatch(before::contains), before + " -> " + after);
  }

  private List<String> nodeNames(String name) {
    return simulator.read(
        st -> simulator.group(name).orElseThrow().instances.stream().map(i -> i.nodeName).toList());
  }

  @Test
  void theSurgeIsTwiceTheZonesAtMostTheNodes() {
    assertEquals(2, EksRollouts.surge(3, 2));
    assertEquals(6, EksRollouts.surge(3, 10));
    assertEquals(0, EksRollouts.surge(2, 0));
  }

  private static List<String> listOf(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** A clock the test moves on. */
  static final class MovableClock extends Clock {
    private long millis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    void advance(long by) {
      millis += by;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }
}
