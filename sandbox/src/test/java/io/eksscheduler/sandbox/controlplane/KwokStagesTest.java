package io.eksscheduler.sandbox.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class KwokStagesTest {

  @Test
  void everyLifecycleStageIsGenerated() {
    assertEquals(
        List.of(
            "node-initialize",
            "node-heartbeat-with-lease",
            "pod-ready",
            "pod-complete",
            "pod-terminate-with-finalizers",
            "pod-delete"),
        stages(Speed.REAL_TIME).stream()
            .map(s -> (String) ((Map<?, ?>) s.get("metadata")).get("name"))
            .toList());
  }

  @Test
  void simulatedDelaysAreDividedBySpeed() {
    assertEquals(2000, delay(Speed.REAL_TIME, "pod-ready").get("durationMilliseconds"));
    assertEquals(200, delay(new Speed(10), "pod-ready").get("durationMilliseconds"));
    assertEquals(1000, delay(new Speed(10), "pod-complete").get("durationMilliseconds"));
    assertEquals(100, delay(new Speed(10), "node-initialize").get("durationMilliseconds"));
  }

  @Test
  void podDeletionWaitsForTheDeletionTimestampWhateverTheSpeed() {
    for (Speed speed : List.of(Speed.REAL_TIME, new Speed(50))) {
      for (String stage : List.of("pod-delete", "pod-terminate-with-finalizers")) {
        Map<?, ?> delay = delay(speed, stage);

        assertEquals(0, delay.get("durationMilliseconds"));
        assertEquals(
            ".metadata.deletionTimestamp",
            ((Map<?, ?>) ((Map<?, ?>) delay.get("durationFrom")).get("jq")).get("expression"));
      }
    }
  }

  @Test
  void readyAfterAnnotationIsScaledInTheExpression() {
    String expression =
        (String)
            ((Map<?, ?>)
                    ((Map<?, ?>) delay(new Speed(4), "pod-ready").get("durationFrom")).get("jq"))
                .get("expression");

    assertTrue(expression.contains("\"sandbox.eks-scheduler.io/ready-after\""), expression);
    assertTrue(expression.contains("/ 4 |"), expression);
    assertFalse(expression.contains("${"), expression);
  }

  @Test
  void kwokReportsSixteenAtOnceWithEveryOptionItWouldDefault() {
    List<Map<?, ?>> configs = documents(Speed.REAL_TIME, "KwokConfiguration");
    assertEquals(1, configs.size());
    Map<?, ?> options = (Map<?, ?>) configs.get(0).get("options");
    assertEquals(16, options.get("podPlayStageParallelism"));
    assertEquals(16, options.get("nodePlayStageParallelism"));
    // KWOK does not default a configuration it is given: an option left out would be zero.
    for (String option :
        List.of(
            "manageAllNodes",
            "enableDebuggingHandlers",
            "enableContentionProfiling",
            "enableProfilingHandler",
            "nodeLeaseParallelism",
            "podsOnNodeSyncParallelism",
            "enablePodsOnNodeSyncListPager",
            "enablePodsOnNodeSyncStreamWatch")) {
      assertTrue(options.containsKey(option), option + " missing from " + options);
    }
  }

  @Test
  void fractionalSpeedIsAJqNumber() {
    assertEquals("2.5", new Speed(2.5).jqLiteral());
    assertEquals(800, new Speed(2.5).scaledMillis(java.time.Duration.ofSeconds(2)));
  }

  private static Map<?, ?> delay(Speed speed, String stage) {
    return stages(speed).stream()
        .filter(s -> ((Map<?, ?>) s.get("metadata")).get("name").equals(stage))
        .map(s -> (Map<?, ?>) ((Map<?, ?>) s.get("spec")).get("delay"))
        .findFirst()
        .orElseThrow();
  }

  private static List<Map<?, ?>> stages(Speed speed) {
    return documents(speed, "Stage");
  }

  private static List<Map<?, ?>> documents(Speed speed, String kind) {
    List<Map<?, ?>> out = new ArrayList<>();
    for (Object doc :
        new Load(LoadSettings.builder().build()).loadAllFromString(KwokStages.render(speed))) {
      if (kind.equals(((Map<?, ?>) doc).get("kind"))) {
        out.add((Map<?, ?>) doc);
      }
    }
    return out;
  }
}
