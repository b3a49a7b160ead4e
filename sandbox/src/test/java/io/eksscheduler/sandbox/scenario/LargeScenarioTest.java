package io.eksscheduler.sandbox.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
            .filter(m -> m.get("kind").equals("Deployment") || m.get("kind").equals("StatefulSet"))
            .mapToInt(m -> (Integer) ((Map<?, ?>) m.get("spec")).get("replicas"))
            .sum();

    assertEquals(100, large.nodeCount());
    assertEquals(3_000, replicas + daemonSets * large.nodeCount());
  }

  @Test
  void everyGeneratedDeploymentDependsOnTheSlowDatabase() {
    Scenario large = LargeScenario.generate(100, 3_000);
    List<Map<?, ?>> deployments =
        large.manifests().stream()
            .filter(m -> m.get("kind").equals("Deployment"))
            .filter(m -> !"kube-system".equals(metadata(m).get("namespace")))
            .<Map<?, ?>>map(m -> m)
            .toList();
    Map<?, ?> database =
        large.manifests().stream()
            .filter(m -> m.get("kind").equals("StatefulSet"))
            .findFirst()
            .orElseThrow();

    assertEquals(56, deployments.size());
    for (Map<?, ?> d : deployments) {
      assertEquals(
          Map.of("eks-scheduler.io/depends-on", "data/db"), metadata(d).get("annotations"));
    }
    assertEquals("data", metadata(database).get("namespace"));
    Map<?, ?> template = (Map<?, ?>) ((Map<?, ?>) database.get("spec")).get("template");
    assertEquals(
        Map.of("sandbox.eks-scheduler.io/ready-after", "30s"),
        ((Map<?, ?>) template.get("metadata")).get("annotations"));
  }

  private static Map<?, ?> metadata(Map<?, ?> object) {
    return (Map<?, ?>) object.get("metadata");
  }
}
