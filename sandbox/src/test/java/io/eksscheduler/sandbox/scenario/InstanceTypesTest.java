package io.eksscheduler.sandbox.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InstanceTypesTest {

  @Test
  void podLimitFollowsTheEniFormula() {
    assertEquals(29, InstanceTypes.maxPods(3, 10));
    assertEquals(29, InstanceTypes.find("m5.large").orElseThrow().maxPods());
    assertEquals(17, InstanceTypes.find("t3.medium").orElseThrow().maxPods());
    assertEquals(58, InstanceTypes.find("m5.xlarge").orElseThrow().maxPods());
    assertEquals(234, InstanceTypes.find("m5.4xlarge").orElseThrow().maxPods());
  }

  @Test
  void allocatableKeepsTheAmisKubeletReservations() {
    InstanceTypes.InstanceType m5 = InstanceTypes.find("m5.large").orElseThrow();

    assertEquals("1930m", m5.allocatable().get("cpu"));
    assertEquals((7910 - (11 * 29 + 255) - 100) + "Mi", m5.allocatable().get("memory"));
    assertEquals("29", m5.allocatable().get("pods"));
  }

  @Test
  void devScenarioHasTwoManagedGroupsAndOneSelfManagedAcrossThreeZones() {
    Scenario dev = ScenarioLoader.load("dev", ScenarioValues.PREVIEW);

    assertEquals("dev", dev.cluster().name());
    assertEquals("enabled", dev.cluster().tags().get("eks-scheduler.io/hibernate"));
    assertEquals(2, dev.nodeGroups().stream().filter(NodeGroup::managed).count());
    assertEquals(1, dev.nodeGroups().stream().filter(g -> !g.managed()).count());
    assertEquals(3, dev.nodeGroups().stream().flatMap(g -> g.zones().stream()).distinct().count());
    assertEquals("29", dev.nodeGroups().get(0).capacity().get("pods"));
  }
}
