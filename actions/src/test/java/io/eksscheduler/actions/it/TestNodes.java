package io.eksscheduler.actions.it;

import io.eksscheduler.sandbox.scenario.SimulatedNodes;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Taint;
import java.util.List;
import java.util.Map;

/** KWOK nodes of a test's own, tainted so that no shared workload lands on them meanwhile. */
final class TestNodes {
  private TestNodes() {}

  static V1Node tainted(
      String name, String ip, String group, String taintKey, String cpu, String memory) {
    Map<String, Quantity> capacity =
        Map.of(
            "cpu", Quantity.fromString(cpu),
            "memory", Quantity.fromString(memory),
            "pods", Quantity.fromString("29"));
    return new V1Node()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .labels(
                    Map.of(
                        "kubernetes.io/hostname",
                        name,
                        "kubernetes.io/os",
                        "linux",
                        "type",
                        "kwok",
                        SimulatedNodes.NODE_GROUP_LABEL,
                        group))
                .annotations(
                    Map.of(
                        SimulatedNodes.KWOK_ANNOTATION,
                        "fake",
                        SimulatedNodes.INTERNAL_IP_ANNOTATION,
                        ip)))
        .spec(
            new V1NodeSpec()
                .taints(List.of(new V1Taint().key(taintKey).value("true").effect("NoSchedule"))))
        .status(new V1NodeStatus().capacity(capacity).allocatable(capacity));
  }
}
