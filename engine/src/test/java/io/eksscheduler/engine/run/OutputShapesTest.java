package io.eksscheduler.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.ValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputShapesTest {
  private static final List<OutputSpec> SPECS =
      List.of(
          new OutputSpec("slept", ValueType.ARRAY, ""),
          new OutputSpec("waves", ValueType.ARRAY, "", true));

  @Test
  void aListIsSorted() {
    assertEquals(
        Map.of("slept", List.of("Deployment a/x", "Deployment b/y", "StatefulSet a/z")),
        OutputShapes.normalize(
            SPECS,
            Map.of("slept", List.of("StatefulSet a/z", "Deployment b/y", "Deployment a/x"))));
  }

  @Test
  void aSequenceKeepsItsOrderAndSortsEachInnerList() {
    assertEquals(
        Map.of("waves", List.of(List.of("c", "d"), List.of("a", "b"))),
        OutputShapes.normalize(
            SPECS, Map.of("waves", List.of(List.of("d", "c"), List.of("b", "a")))));
  }

  @Test
  void anUndeclaredOutputIsSortedToo() {
    assertEquals(
        Map.of("extra", List.of("a", "b")),
        OutputShapes.normalize(SPECS, Map.of("extra", List.of("b", "a"))));
  }

  @Test
  void numbersSortByValueAndMixedListsByType() {
    assertEquals(
        Map.of("slept", Arrays.asList(null, false, 2L, 10L, "1", List.of())),
        OutputShapes.normalize(
            SPECS, Map.of("slept", Arrays.asList("1", List.of(), 10L, false, 2L, null))));
  }

  @Test
  void listsInsideObjectsAreSortedAndObjectsSortByTheirJson() {
    Map<String, Object> b = Map.of("name", "b", "pods", List.of("y", "x"));
    Map<String, Object> a = Map.of("name", "a");
    assertEquals(
        List.of(Map.of("name", "a"), Map.of("name", "b", "pods", List.of("x", "y"))),
        OutputShapes.normalize(SPECS, Map.of("slept", List.of(b, a))).get("slept"));
  }

  @Test
  void valuesOtherThanListsAreKept() {
    assertEquals(
        Map.of("nodes", 3L, "endpoint", "https://x"),
        OutputShapes.normalize(SPECS, Map.of("nodes", 3L, "endpoint", "https://x")));
  }

  @Test
  void plainTurnsValuesIntoJsonValues() {
    assertEquals(
        Map.of("n", 3L, "l", List.of("a")),
        OutputShapes.plain(Map.of("n", 3, "l", new String[] {"a"})));
  }
}
