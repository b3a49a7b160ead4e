package io.eksscheduler.sandbox.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.eksscheduler.sandbox.controlplane.Speed;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GracePeriodsTest {

  @Test
  void dividesDeclaredAndDefaultGracePeriodsRoundingUpToAtLeastOneSecond() {
    assertEquals(3, GracePeriods.scale(30, new Speed(10)));
    assertEquals(1, GracePeriods.scale(2, new Speed(10)));
    assertEquals(4, GracePeriods.scale(31, new Speed(10)));
    assertEquals(0, GracePeriods.scale(0, new Speed(10)));
    assertEquals(30, GracePeriods.scale(30, Speed.REAL_TIME));
  }

  @Test
  void findsThePodSpecOfEachKindAndLeavesTheSourceUntouched() {
    Map<String, Object> deployment =
        Map.of(
            "kind",
            "Deployment",
            "spec",
            Map.of("template", Map.of("spec", Map.of("terminationGracePeriodSeconds", 60))));
    Map<String, Object> cronJob =
        Map.of(
            "kind",
            "CronJob",
            "spec",
            Map.of("jobTemplate", Map.of("spec", Map.of("template", Map.of("spec", Map.of())))));
    Map<String, Object> service = Map.of("kind", "Service", "spec", Map.of());
    List<Map<String, Object>> out =
        GracePeriods.scaled(List.of(deployment, cronJob, service), new Speed(10));
    assertEquals(6L, at(out.get(0), "spec", "template", "spec"));
    assertEquals(3L, at(out.get(1), "spec", "jobTemplate", "spec", "template", "spec"));
    assertSame(service, out.get(2));
    assertEquals(60, at(deployment, "spec", "template", "spec"));
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> manifest, String... path) {
    Map<String, Object> m = manifest;
    for (String key : path) {
      m = (Map<String, Object>) m.get(key);
    }
    return m.get("terminationGracePeriodSeconds");
  }
}
