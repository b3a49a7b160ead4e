package io.eksscheduler.engine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {

  @Test
  void anInexactKeyThatIsNotPredictedIsRefused() {
    Plan plan = new Plan(List.of(), Map.of("nodes", 2L));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> plan.withInexact(Map.of("evicted", "why")));
    assertTrue(e.getMessage().contains("[evicted]"), e.getMessage());
  }

  @Test
  void predictedAndInexactKeysAreSorted() {
    Map<String, Object> predicted = new LinkedHashMap<>();
    predicted.put("b", 1L);
    predicted.put("a", 2L);
    Map<String, String> why = new LinkedHashMap<>();
    why.put("b", "late");
    why.put("a", "early");
    Plan plan = new Plan(List.of(), predicted).withInexact(why);
    assertEquals(List.of("a", "b"), List.copyOf(plan.predictedOutputs().keySet()));
    assertEquals(List.of("a", "b"), List.copyOf(plan.inexact().keySet()));
  }

  @Test
  void theShortConstructorMakesAnExactPlanWithoutEffects() {
    Plan plan = new Plan(List.of("cordon node a"), Map.of("nodes", 1L));
    assertEquals(List.of(), plan.unchanged());
    assertEquals(Map.of(), plan.inexact());
    assertEquals(List.of(), plan.effects());
  }

  @Test
  void theWithersKeepTheRestOfThePlan() {
    Effect gone = () -> "node a gone";
    Plan plan =
        new Plan(List.of("cordon node a"), Map.of("nodes", 1L))
            .withUnchanged(List.of("node b is already cordoned"))
            .withInexact(Map.of("nodes", "why"))
            .withEffects(List.of(gone));
    assertEquals(List.of("cordon node a"), plan.changes());
    assertEquals(List.of("node b is already cordoned"), plan.unchanged());
    assertEquals(Map.of("nodes", 1L), plan.predictedOutputs());
    assertEquals(Map.of("nodes", "why"), plan.inexact());
    assertEquals(List.of(gone), plan.effects());
  }

  @Test
  void anOutputIsSortedUnlessItIsASequence() {
    assertEquals(false, new OutputSpec("nodes", ValueType.ARRAY, "").sequence());
    assertEquals(true, new OutputSpec("waves", ValueType.ARRAY, "", true).sequence());
  }
}
