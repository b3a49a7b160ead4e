package io.eksscheduler.actions.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fargate's virtual nodes are never cordoned or drained. */
class NodeSelectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static V1Node node(String name, Map<String, String> labels) {
    return new V1Node().metadata(new V1ObjectMeta().name(name).labels(labels));
  }

  private static final List<V1Node> NODES =
      List.of(
          node("ip-10-0-0-10", Map.of("eks.amazonaws.com/nodegroup", "general")),
          node(
              "fargate-ip-10-0-9-9",
              Map.of("eks.amazonaws.com/compute-type", "fargate", "app", "x")),
          node("ip-10-0-0-11", Map.of("alpha.eksctl.io/nodegroup-name", "batch")));

  private static List<String> names(List<V1Node> nodes) {
    return nodes.stream().map(n -> n.getMetadata().getName()).toList();
  }

  @Test
  void allMeansEveryNodeButFargates() throws Exception {
    assertEquals(
        List.of("ip-10-0-0-10", "ip-10-0-0-11"),
        names(NodeSelection.select(JSON.readTree("\"all\""), NODES)));
    assertEquals(
        List.of("ip-10-0-0-10", "ip-10-0-0-11"), names(NodeSelection.withoutFargate(NODES)));
  }

  @Test
  void aFargateNodeNamedOnPurposeIsRefusedWithWhy() throws Exception {
    ActionFailure e =
        assertThrows(
            ActionFailure.class,
            () ->
                NodeSelection.select(
                    JSON.readTree("{\"names\": [\"fargate-ip-10-0-9-9\"]}"), NODES));
    assertEquals(
        "node fargate-ip-10-0-9-9 is a Fargate node: there is no instance to drain, its pod goes"
            + " when its workload sleeps",
        e.getMessage());
  }
}
