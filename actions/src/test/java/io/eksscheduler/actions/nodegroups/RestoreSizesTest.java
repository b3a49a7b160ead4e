package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.nodegroups.RestoreSizes.Input;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestoreSizesTest {
  private static final List<String> ALL = List.of("eu-west-1a", "eu-west-1b", "eu-west-1c");
  private final Input general = new Input("general", 0, 5, 10, ALL);
  private final Input system = new Input("system", 1, 2, 4, ALL);
  private final Input batch = new Input("batch", 0, 1, 3, List.of("eu-west-1b"));

  @Test
  void withoutAFloorTheRecordedSizesComeBackExactly() {
    RestoreSizes.Result r =
        RestoreSizes.decide(List.of(general, system, batch), 0, Set.of("eu-west-1a"));
    assertEquals(Map.of("general", 5, "system", 2, "batch", 1), r.desired());
    assertEquals(Set.of(), r.unservedZones());
    assertEquals(0, r.shortBy());
  }

  @Test
  void aFloorRaisesGroupsInTurnAndNeverLowersARecordedSize() {
    RestoreSizes.Result r = RestoreSizes.decide(List.of(general, system, batch), 11, Set.of());
    assertEquals(
        Map.of("general", 6, "system", 3, "batch", 2), r.desired(), "one node each in turn");
    assertEquals(
        Map.of("general", 5, "system", 2, "batch", 1),
        RestoreSizes.decide(List.of(general, system, batch), 2, Set.of()).desired(),
        "a floor below the recorded total changes nothing");
  }

  @Test
  void aFloorIsCappedAtEachGroupsMaxSizeAndSaysHowShortItIs() {
    RestoreSizes.Result r = RestoreSizes.decide(List.of(system, batch), 10, Set.of());
    assertEquals(Map.of("system", 4, "batch", 3), r.desired());
    assertEquals(3, r.shortBy());
  }

  @Test
  void aFloorServesEveryVolumeZoneFirstAndNamesAZoneNoGroupCovers() {
    Input zonal = new Input("zonal-b", 0, 0, 2, List.of("eu-west-1b"));
    Input wide = new Input("wide", 0, 0, 5, List.of("eu-west-1a", "eu-west-1c"));
    RestoreSizes.Result r =
        RestoreSizes.decide(List.of(wide, zonal), 1, Set.of("eu-west-1b", "eu-west-1d"));
    assertEquals(Map.of("wide", 0, "zonal-b", 1), r.desired());
    assertEquals(Set.of("eu-west-1d"), r.unservedZones());
  }
}
