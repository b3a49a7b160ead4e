package io.eksscheduler.sandbox.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LargeScenarioTest {

  @Test
  void largeScenarioHasHundredNodesAndThreeThousandPods() {
    Scenario large = LargeScenario.generate(100, 3_000);
    int daemonSets =
        (int) large.manifests().stream().filter(m -> m.get("kind").equals("DaemonSet")).count();
    int replicas =
        large.manifests().stream()
            .filter(m -> m.get("kind").equals("Deployment"))
            .mapToInt(m -> (Integer) ((Map<?, ?>) m.get("spec")).get("replicas"))
            .sum();

    assertEquals(100, large.nodeCount());
    assertEquals(3_000, replicas + daemonSets * large.nodeCount());
  }
}
