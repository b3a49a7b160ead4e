package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
