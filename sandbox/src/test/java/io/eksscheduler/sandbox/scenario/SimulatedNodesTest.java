package io.eksscheduler.sandbox.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kubernetes.client.openapi.models.V1Node;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatedNodesTest {

  private static final NodeGroup GROUP =
      new NodeGroup(
          "general",
          true,
          0,
          4,
          6,
          List.of("eu-west-1a", "eu-west-1b"),
          "m5.large",
          "SPOT",
          Map.of("cpu", "2", "memory", "8Gi", "pods", "29"),
          Map.of("cpu", "1930m", "memory", "7Gi", "pods", "29"),
          Map.of("team", "shop"),
          List.of(new NodeGroup.Taint("dedicated", "shop", "NoSchedule")),
          Map.of());
  private static final Scenario SCENARIO =
      new Scenario("s", "eu-west-1", List.of(GROUP), List.of(), List.of());

  @Test
  void nodesAreSpreadRoundRobinOverZones() {
    Map<String, Long> perZone =
        SimulatedNodes.build(SCENARIO).stream()
            .collect(
                Collectors.groupingBy(
                    n -> n.getMetadata().getLabels().get("topology.kubernetes.io/zone"),
                    Collectors.counting()));

    assertEquals(Map.of("eu-west-1a", 2L, "eu-west-1b", 2L), perZone);
  }

  @Test
  void nodeIsNamedAndLabelledAsOnEks() {
    V1Node node = SimulatedNodes.build(SCENARIO).get(1);

    assertEquals("ip-10-0-64-11.eu-west-1.compute.internal", node.getMetadata().getName());
    assertEquals(
        "10.0.64.11",
        node.getMetadata().getAnnotations().get(SimulatedNodes.INTERNAL_IP_ANNOTATION));
    assertEquals("fake", node.getMetadata().getAnnotations().get(SimulatedNodes.KWOK_ANNOTATION));
    assertEquals("general", node.getMetadata().getLabels().get("eks.amazonaws.com/nodegroup"));
    assertEquals("SPOT", node.getMetadata().getLabels().get("eks.amazonaws.com/capacityType"));
    assertEquals(
        "m5.large", node.getMetadata().getLabels().get("node.kubernetes.io/instance-type"));
    assertEquals("shop", node.getMetadata().getLabels().get("team"));
    assertEquals("NoSchedule", node.getSpec().getTaints().get(0).getEffect());
    assertEquals("1930m", node.getStatus().getAllocatable().get("cpu").toSuffixedString());
  }

  @Test
  void internalAddressesAreNeverLoopback() {
    for (V1Node node : SimulatedNodes.build(SCENARIO)) {
      assertFalse(
          node.getMetadata()
              .getAnnotations()
              .get(SimulatedNodes.INTERNAL_IP_ANNOTATION)
              .startsWith("127."));
    }
  }
}
