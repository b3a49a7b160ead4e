package io.eksscheduler.actions.pausing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.actions.pausing.Pausing.Target;
import org.junit.jupiter.api.Test;

class AutoscalerObjectsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ClusterObject pool(String spec) throws Exception {
    return new ClusterObject(
        ResourceType.NODE_POOL,
        JSON.readTree(
            ("{'metadata':{'name':'p','resourceVersion':'4'},'spec':" + spec + "}")
                .replace('\'', '"')));
  }

  @Test
  void staticNodePoolIsPausedThroughItsReplicasAndKeepsItsNodeLimit() throws Exception {
    ClusterObject pool = pool("{'replicas':3,'limits':{'nodes':'5'},'template':{}}");
    PausedField field = AutoscalerObjects.nodePoolField(pool);
    assertEquals(PausedField.REPLICAS, field);
    // The only change is replicas: a static pool's CRD refuses cpu or memory limits (422).
    assertEquals(
        "{\"metadata\":{\"resourceVersion\":\"4\",\"annotations\":{\"eks-scheduler.io/original\":"
            + "\"{\\\"v\\\":1,\\\"run\\\":\\\"r\\\",\\\"replicas\\\":3}\"}},"
            + "\"spec\":{\"replicas\":0}}",
        field.pausePatch(pool, field.original(pool, "r")));
  }

  @Test
  void staticNodePoolAlreadyAtZeroIsStillPausedThroughItsReplicas() throws Exception {
    assertEquals(PausedField.REPLICAS, AutoscalerObjects.nodePoolField(pool("{'replicas':0}")));
  }

  @Test
  void dynamicNodePoolIsPausedThroughItsLimits() throws Exception {
    assertEquals(
        PausedField.NODE_POOL_LIMITS,
        AutoscalerObjects.nodePoolField(pool("{'limits':{'cpu':'64'},'template':{}}")));
    assertEquals(PausedField.NODE_POOL_LIMITS, AutoscalerObjects.nodePoolField(pool("{}")));
  }

  @Test
  void onlyADynamicNodePoolsPauseDeletesItsNodeClaims() throws Exception {
    ClusterObject dynamic = pool("{'limits':{'cpu':'64'}}");
    ClusterObject fixed = pool("{'replicas':2}");
    assertTrue(
        AutoscalerObjects.deletesNodeClaims(
            new Target(dynamic, AutoscalerObjects.nodePoolField(dynamic))));
    assertFalse(
        AutoscalerObjects.deletesNodeClaims(
            new Target(fixed, AutoscalerObjects.nodePoolField(fixed))));
  }
}
