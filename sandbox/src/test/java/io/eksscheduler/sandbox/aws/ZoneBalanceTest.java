package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.aws.SimulatedAws.Instance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZoneBalanceTest {

  private static final List<String> ZONES = List.of("a", "b", "c");

  private static Instance instance(String id, String zone, long launchedAt, boolean protect) {
    Instance i = new Instance();
    i.instanceId = id;
    i.zone = zone;
    i.launchedAt = launchedAt;
    i.protectedFromScaleIn = protect;
    return i;
  }

  @Test
  void launchesFillTheEmptiestZonesFirst() {
    List<Instance> live = List.of(instance("i-1", "a", 1, false), instance("i-2", "a", 2, false));

    assertEquals(List.of("b", "c", "b", "c"), ZoneBalance.launchZones(ZONES, live, 4));
  }

  @Test
  void scaleInTakesTheOldestOfTheFullestZoneAndSparesProtectedInstances() {
    List<Instance> live =
        List.of(
            instance("i-1", "a", 1, true),
            instance("i-2", "a", 2, false),
            instance("i-3", "a", 3, false),
            instance("i-4", "b", 0, false));

    List<Instance> chosen = ZoneBalance.toTerminate(ZONES, live, 4);

    assertEquals(List.of("i-2", "i-3", "i-4"), chosen.stream().map(i -> i.instanceId).toList());
  }

  @Test
  void rebalanceMovesOneUnprotectedInstanceOnlyWhenZonesDifferByMoreThanOne() {
    List<Instance> balanced =
        List.of(
            instance("i-1", "a", 1, false),
            instance("i-2", "a", 2, false),
            instance("i-3", "b", 3, false));
    List<Instance> skewed = List.of(instance("i-1", "a", 1, false), instance("i-2", "a", 2, false));

    assertTrue(ZoneBalance.rebalance(List.of("a", "b"), balanced).isEmpty());
    Map.Entry<Instance, String> move =
        ZoneBalance.rebalance(List.of("a", "b"), skewed).orElseThrow();
    assertEquals("i-1", move.getKey().instanceId);
    assertEquals("b", move.getValue());
  }
}
