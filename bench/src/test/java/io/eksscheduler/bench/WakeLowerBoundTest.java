package io.eksscheduler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WakeLowerBoundTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SETTINGS =
      "{\"launchDelaySeconds\": 40, \"nodeReadySeconds\": 1, \"podReadySeconds\": 2,"
          + " \"speed\": 2}";

  @Test
  void theBoundIsTheLaunchThenTheSlowestChainOfReadinessDividedByTheSpeed() throws Exception {
    JsonNode workloads =
        JSON.readTree(
            "["
                + workload("StatefulSet", "data/db", 3, "10s", null)
                + ","
                + workload("Deployment", "data/cache", 1, "25s", null)
                + ","
                + workload("Deployment", "shop/api", 2, null, "data/db, data/cache")
                + ","
                + workload("Deployment", "shop/web", 2, "500ms", "shop/api")
                + ","
                + workload("Deployment", "shop/off", 0, "1h", "shop/web")
                + "]");

    WakeLowerBound bound = WakeLowerBound.of(JSON.readTree(SETTINGS), workloads);

    assertEquals(
        List.of(
            new WakeLowerBound.Link("StatefulSet data/db", Duration.ofSeconds(30)),
            new WakeLowerBound.Link("Deployment shop/api", Duration.ofSeconds(2)),
            new WakeLowerBound.Link("Deployment shop/web", Duration.ofMillis(500))),
        bound.chain());
    assertEquals(Duration.ofMillis((40_000 + 1_000 + 32_500) / 2), bound.total());
  }

  @Test
  void aStatefulSetStartingItsPodsInParallelCountsOneDelay() throws Exception {
    String parallel =
        workload("StatefulSet", "data/db", 3, "10s", null)
            .replace("\"spec\": {", "\"spec\": {\"podManagementPolicy\": \"Parallel\", ");

    WakeLowerBound bound =
        WakeLowerBound.of(JSON.readTree(SETTINGS), JSON.readTree("[" + parallel + "]"));

    assertEquals(Duration.ofSeconds(10), bound.chain().get(0).ready());
  }

  @Test
  void aCycleIsRefused() throws Exception {
    JsonNode workloads =
        JSON.readTree(
            "["
                + workload("Deployment", "a/x", 1, null, "a/y")
                + ","
                + workload("Deployment", "a/y", 1, null, "a/x")
                + "]");

    assertThrows(
        IllegalArgumentException.class,
        () -> WakeLowerBound.of(JSON.readTree(SETTINGS), workloads));
  }

  private static String workload(
      String kind, String name, int replicas, String readyAfter, String dependsOn) {
    String[] parts = name.split("/");
    return "{\"kind\": \""
        + kind
        + "\", \"metadata\": {\"namespace\": \""
        + parts[0]
        + "\", \"name\": \""
        + parts[1]
        + "\""
        + (dependsOn == null
            ? ""
            : ", \"annotations\": {\"" + WakeLowerBound.DEPENDS_ON + "\": \"" + dependsOn + "\"}")
        + "}, \"spec\": {\"replicas\": "
        + replicas
        + (readyAfter == null
            ? ""
            : ", \"template\": {\"metadata\": {\"annotations\": {\""
                + WakeLowerBound.READY_AFTER
                + "\": \""
                + readyAfter
                + "\"}}}")
        + "}}";
  }
}
