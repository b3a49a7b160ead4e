package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.Group;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestoreDecisionTest {
  private static final List<String> ZONES = List.of("eu-west-1a", "eu-west-1b");
  private static final RestoreNodeGroups.Params ALL =
      new RestoreNodeGroups.Params("dev", null, null, null, null);

  private static Group group(String name, boolean managed, Optional<GroupOriginal> tagged) {
    return new Group(
        name, managed, 0, 0, 0, ZONES, List.of(), tagged, null, List.of(), null, Map.of(),
        List.of(), "ACTIVE", List.of());
  }

  private static GroupOriginal original(int min, int desired, int max) {
    return new GroupOriginal(1, "run-1", min, desired, max, List.of(), List.of());
  }

  @Test
  void theLedgerWinsOverTheTag() {
    Group g = group("general", true, Optional.of(original(1, 1, 1)));
    RestoreDecision d =
        RestoreDecision.decide(ALL, List.of(g), Map.of("general", original(2, 3, 5)), Set.of());
    assertEquals(1, d.targets().size());
    assertEquals(2, d.targets().get(0).original().min());
    assertEquals(3, d.targets().get(0).desired());
    assertEquals(
        "nodegroup general: 0/0/0 -> 2/3/5; tag eks-scheduler.io/original removed",
        d.targets().get(0).change());
    assertTrue(d.notes().isEmpty());
    assertFalse(d.targets().get(0).record(), "the ledger's original is not recorded again");
  }

  @Test
  void theTagServesWhenTheLedgerHasNothing() {
    Group g = group("batch", false, Optional.of(original(0, 2, 4)));
    RestoreDecision d = RestoreDecision.decide(ALL, List.of(g), Map.of(), Set.of());
    assertEquals(2, d.targets().get(0).desired());
    assertTrue(d.targets().get(0).record(), "the tag's original goes to the ledger first");
    assertEquals("asg batch 0/2/4", d.targets().get(0).group().id() + " 0/2/4");
  }

  @Test
  void aGroupWithNoOriginalIsLeftAsIs() {
    Group g = group("other", true, Optional.empty());
    RestoreDecision d = RestoreDecision.decide(ALL, List.of(g), Map.of(), Set.of("eu-west-1a"));
    assertTrue(d.targets().isEmpty());
    assertEquals(
        List.of(
            "nodegroup other: no original recorded (not stopped by eks-scheduler); left as is",
            "no node group serves the volumes in zone(s) eu-west-1a"),
        d.notes());
  }

  @Test
  void aFloorIsNotedAndRaisesTheDesiredSize() {
    Group g = group("general", true, Optional.of(original(0, 1, 5)));
    RestoreNodeGroups.Params floor = new RestoreNodeGroups.Params("dev", null, 3, 4, null);
    RestoreDecision d = RestoreDecision.decide(floor, List.of(g), Map.of(), Set.of());
    assertEquals(4, d.targets().get(0).desired());
    assertEquals(List.of("floor of 4 nodes (minNodes 3, recommended 4)"), d.notes());
    assertEquals(
        "nodegroup general: 0/0/0 -> 0/4/5 (recorded desired 1); tag eks-scheduler.io/original"
            + " removed",
        d.targets().get(0).change());
  }
}
