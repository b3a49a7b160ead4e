package io.eksscheduler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopLowerBoundTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String workload(
      String kind, String id, int replicas, Integer grace, String dependsOn) {
    String[] ns = id.split("/");
    return "{\"kind\":\""
        + kind
        + "\",\"metadata\":{\"namespace\":\""
        + ns[0]
        + "\",\"name\":\""
        + ns[1]
        + "\""
        + (dependsOn == null
            ? ""
            : ",\"annotations\":{\"eks-scheduler.io/depends-on\":\"" + dependsOn + "\"}")
        + "},\"spec\":{\"replicas\":"
        + replicas
        + ",\"template\":{\"spec\":{"
        + (grace == null ? "" : "\"terminationGracePeriodSeconds\":" + grace)
        + "}}}}";
  }

  private static String job(String id, int active, boolean suspend, int grace) {
    String[] ns = id.split("/");
    return "{\"kind\":\"Job\",\"metadata\":{\"namespace\":\""
        + ns[0]
        + "\",\"name\":\""
        + ns[1]
        + "\"},\"spec\":{\"suspend\":"
        + suspend
        + ",\"template\":{\"spec\":{\"terminationGracePeriodSeconds\":"
        + grace
        + "}}},\"status\":{\"active\":"
        + active
        + "}}";
  }

  @Test
  void theBoundIsTheSlowestChainOfSleepsDependentsFirstThenTheDrain() throws Exception {
    JsonNode before =
        JSON.readTree(
            "["
                + workload("StatefulSet", "data/db", 3, 2, null)
                + ","
                + workload("Deployment", "data/cache", 1, 9, null)
                + ","
                + workload("Deployment", "shop/api", 2, 3, "data/db,data/cache")
                + ","
                + workload("Deployment", "shop/web", 2, null, "shop/api")
                + ","
                + workload("Deployment", "kube-system/coredns", 2, 4, null)
                + ","
                + workload("Deployment", "shop/off", 0, 100, null)
                + ","
                + job("batch/reindex", 1, false, 7)
                + ","
                + job("batch/done", 0, false, 50)
                + "]");
    JsonNode after =
        JSON.readTree(
            "["
                + workload("StatefulSet", "data/db", 0, 2, null)
                + ","
                + workload("Deployment", "data/cache", 0, 9, null)
                + ","
                + workload("Deployment", "shop/api", 0, 3, "data/db,data/cache")
                + ","
                + workload("Deployment", "shop/web", 0, null, "shop/api")
                + ","
                + workload("Deployment", "kube-system/coredns", 2, 4, null)
                + ","
                + workload("Deployment", "shop/off", 0, 100, null)
                + ","
                + job("batch/reindex", 0, true, 7)
                + ","
                + job("batch/done", 0, false, 50)
                + "]");

    StopLowerBound bound = StopLowerBound.of(before, after);

    // The running Job first (7 s; the finished one is left alone), then web (30 s, the default), (3
    // s) before the slower of db (3 replicas in order,
    // 2 s each) and cache (9 s); coredns stays until the drain; shop/off was asleep already.
    assertEquals(
        List.of(
            new WakeLowerBound.Link("Deployment shop/web", Duration.ofSeconds(30)),
            new WakeLowerBound.Link("Deployment shop/api", Duration.ofSeconds(3)),
            new WakeLowerBound.Link("Deployment data/cache", Duration.ofSeconds(9))),
        bound.chain());
    assertEquals(Duration.ofSeconds(4), bound.drain());
    assertEquals(Duration.ofSeconds(7), bound.jobs());
    assertEquals(Duration.ofSeconds(53), bound.total());
    assertEquals(
        "running Jobs suspended 7.0 s + Deployment shop/web gone 30.0 s + Deployment shop/api gone 3.0 s + Deployment data/cache"
            + " gone 9.0 s + drain (Deployment kube-system/coredns) 4.0 s + instances terminated"
            + " 0 s",
        bound.explain());
  }
}
