package io.eksscheduler.actions.pausing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.actions.pausing.Pausing.Target;
import io.kubernetes.client.openapi.ApiClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What autoscaler.pause leaves for the steps after it in a dry-run. */
class PauseAutoscalersEffectsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Target target(ResourceType type, PausedField field, String json) throws Exception {
    return new Target(new ClusterObject(type, JSON.readTree(json.replace('\'', '"'))), field);
  }

  @Test
  void theClusterAutoscalerIsAtZeroWithItsOriginalMarkedAndItsPodsGone() throws Exception {
    Target ca =
        target(
            ResourceType.DEPLOYMENT,
            PausedField.REPLICAS,
            "{'metadata':{'name':'cluster-autoscaler','namespace':'kube-system'},"
                + "'spec':{'replicas':1,'selector':{'matchLabels':{'app':'cluster-autoscaler'}}}}");
    Target pool =
        target(
            ResourceType.NODE_POOL,
            PausedField.NODE_POOL_LIMITS,
            "{'metadata':{'name':'default'},'spec':{'limits':{'cpu':'64'}}}");
    PauseDecision d = PauseDecision.pause(List.of(ca, pool), t -> java.util.Optional.empty());
    List<ClusterEffect> effects = PauseAutoscalers.effects(d, new ApiClient(), "run-1");
    assertEquals(2, effects.size(), effects.toString());
    ClusterEffect.Scaled scaled = (ClusterEffect.Scaled) effects.get(0);
    assertEquals("Deployment kube-system/cluster-autoscaler", scaled.ref().id());
    assertEquals(0, scaled.replicas());
    assertTrue(scaled.marker().touched());
    assertTrue(scaled.marker().value().orElseThrow().contains("run-1"), scaled.toString());
    ClusterEffect.PodsGone gone = (ClusterEffect.PodsGone) effects.get(1);
    assertEquals("kube-system", gone.namespace());
    assertEquals(Map.of("app", "cluster-autoscaler"), gone.selector().getMatchLabels());
  }
}
