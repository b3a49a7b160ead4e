package io.eksscheduler.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepGraphTest {

  @Test
  void wavesBreakTiesByDeclarationOrder() {
    StepGraph g =
        new StepGraph(
            List.of("z", "y", "x", "w"), Map.of("x", List.of("z"), "w", List.of("y", "x")));
    assertEquals(List.of(List.of("z", "y"), List.of("x"), List.of("w")), g.waves());
  }

  @Test
  void cycleIsReportedWithItsPath() {
    StepGraph g =
        new StepGraph(
            List.of("start", "a", "b", "c"),
            Map.of("a", List.of("c", "start"), "b", List.of("a"), "c", List.of("b")));
    assertEquals(Optional.of(List.of("a", "c", "b", "a")), g.cycle());
    IllegalStateException e = assertThrows(IllegalStateException.class, g::waves);
    assertEquals("cycle: a -> c -> b -> a", e.getMessage());
  }

  @Test
  void aStepNeedingItselfIsACycle() {
    assertEquals(
        Optional.of(List.of("a", "a")),
        new StepGraph(List.of("a"), Map.of("a", List.of("a"))).cycle());
  }

  @Test
  void transitiveNeedsFollowEveryPath() {
    StepGraph g =
        new StepGraph(
            List.of("a", "b", "c", "d"),
            Map.of("b", List.of("a"), "c", List.of("b"), "d", List.of("c")));
    assertEquals(Set.of("a", "b", "c"), g.transitiveNeeds("d"));
    assertEquals(Set.of(), g.transitiveNeeds("a"));
  }
}
