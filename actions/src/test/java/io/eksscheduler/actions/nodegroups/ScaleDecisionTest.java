package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.nodegroups.ScaleDecision.Skip;
import io.eksscheduler.actions.nodegroups.ScaleDecision.Target;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.Nodes;
import io.eksscheduler.actions.nodegroups.ScaleSurvey.Found;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScaleDecisionTest {
  private static final ScaleNodeGroups.Params ALL =
      new ScaleNodeGroups.Params("dev", null, "zero", null);

  private static ScaleNodeGroups.Params named(String... names) throws Exception {
    return new ScaleNodeGroups.Params(
        "dev", new ObjectMapper().valueToTree(List.of(names)), null, null);
  }

  private static Found managed(String name, int min, int desired, int max, String tag) {
    return managed(name, min, desired, max, tag, Optional.empty());
  }

  private static Found managed(
      String name, int min, int desired, int max, String tag, Optional<GroupOriginal> ledgered) {
    return new Found(
        name,
        true,
        min,
        desired,
        max,
        List.of(),
        tag,
        ledgered,
        false,
        "arn:" + name,
        "m5.large",
        false);
  }

  private static Found asg(
      String name, int min, int desired, int max, List<String> suspended, String tag) {
    return new Found(
        name, false, min, desired, max, suspended, tag, Optional.empty(), false, null, null, true);
  }

  private static Found behindManaged(String name) {
    return new Found(
        name, false, 2, 2, 3, List.of(), null, Optional.empty(), true, null, null, false);
  }

  private static ScaleDecision decide(ScaleNodeGroups.Params params, Found... groups) {
    return ScaleDecision.decide(new ScaleSurvey("run-2", List.of(groups)), params);
  }

  @Test
  void aManagedGroupGoesToZeroKeepingAtLeastOneAsMaxAndRecordsWhatItHolds() {
    ScaleDecision d =
        decide(ALL, managed("general", 1, 2, 3, null), managed("tiny", 0, 1, 0, null));

    assertEquals(List.of(), d.refusals());
    Target general = d.targets().get(0);
    assertFalse(general.atZero());
    assertTrue(general.record());
    assertTrue(general.tag());
    assertEquals(new GroupOriginal(1, "run-2", 1, 2, 3, null, null), general.original());
    assertEquals(
        "{\"v\":1,\"run\":\"run-2\",\"min\":1,\"desired\":2,\"max\":3}", general.original().json());
    assertEquals(new Nodes(2, "m5.large", false), general.group().nodes(general.original()));
    assertEquals("nodegroup general: min/desired/max 1/2/3 -> 0/0/3", general.line());
    assertEquals("nodegroup tiny: min/desired/max 0/1/0 -> 0/0/1", d.targets().get(1).line());
    assertEquals(1, d.targets().get(1).max());
    assertEquals(List.of("general", "tiny"), d.managedNames());
    assertEquals(List.of(), d.selfManagedNames());
  }

  @Test
  void anAutoScalingGroupSuspendsOnlyTheProcessesNotSuspendedYet() {
    ScaleDecision d =
        decide(ALL, asg("batch", 1, 2, 4, List.of("AlarmNotification", "Launch"), null));

    Target batch = d.targets().get(0);
    assertEquals(List.of("AZRebalance", "ScheduledActions"), batch.group().toSuspend());
    assertEquals("asg batch: suspend AZRebalance, ScheduledActions; 1/2/4 -> 0/0/4", batch.line());
    assertEquals(
        "{\"v\":1,\"run\":\"run-2\",\"min\":1,\"desired\":2,\"max\":4,"
            + "\"suspendedBefore\":[\"AlarmNotification\",\"Launch\"],"
            + "\"suspended\":[\"AZRebalance\",\"ScheduledActions\"]}",
        batch.original().json());
    assertEquals(List.of("batch"), d.selfManagedNames());
  }

  @Test
  void aGroupAtZeroWithItsOriginalTaggedIsLeftAsItIs() {
    String tag = new GroupOriginal(1, "run-1", 1, 2, 3, null, null).json();
    ScaleDecision d =
        decide(
            ALL,
            managed("general", 0, 0, 3, tag),
            asg("batch", 0, 0, 4, ScaleNodeGroups.PROCESSES, tag),
            asg("half", 0, 0, 4, List.of("AZRebalance"), tag));

    assertTrue(d.targets().get(0).atZero());
    assertEquals(
        "nodegroup general: already at zero (original recorded by run run-1)",
        d.targets().get(0).line());
    assertTrue(d.targets().get(1).atZero());
    assertEquals(
        "asg batch: already at zero (original recorded by run run-1)", d.targets().get(1).line());
    // At zero but with processes left to suspend: not done, and the tag's original is kept.
    Target half = d.targets().get(2);
    assertFalse(half.atZero());
    assertFalse(half.tag());
    assertEquals("run-1", half.original().run());
    assertEquals(
        "asg half: suspend AlarmNotification, ScheduledActions; 0/0/4 -> 0/0/4"
            + " (original 1/2/3 kept, recorded by run run-1)",
        half.line());
  }

  @Test
  void aGroupAtZeroWithoutATagIsStoppedAgainRecordingZero() {
    Target t = decide(ALL, managed("general", 0, 0, 3, null)).targets().get(0);

    assertFalse(t.atZero());
    assertTrue(t.tag());
    assertEquals("0/0/3", t.original().sizes());
  }

  @Test
  void aResumeAfterAPartialAttemptKeepsTheLedgersOriginalAndTagsNothingAgain() {
    GroupOriginal first = new GroupOriginal(1, "run-2", 1, 2, 3, null, null);
    ScaleDecision d =
        decide(
            ALL,
            managed("done", 0, 0, 3, first.json(), Optional.of(first)),
            // Tagged, update under way: desired 1 of 2.
            managed("general", 0, 1, 3, first.json(), Optional.of(first)),
            // Recorded in the ledger, the tag never written.
            managed("untagged", 1, 2, 3, null, Optional.of(first)));

    assertTrue(d.targets().get(0).atZero());
    Target general = d.targets().get(1);
    assertFalse(general.atZero());
    assertFalse(general.record());
    assertFalse(general.tag());
    assertEquals(first, general.original());
    assertEquals(
        "nodegroup general: min/desired/max 0/1/3 -> 0/0/3"
            + " (original 1/2/3 kept, recorded by run run-2)",
        general.line());
    Target untagged = d.targets().get(2);
    assertFalse(untagged.record());
    assertTrue(untagged.tag());
    assertEquals(first, untagged.original());
  }

  @Test
  void theLedgerWinsOverTheTagAndTheTagOverWhatRunsNow() {
    GroupOriginal tagged = new GroupOriginal(1, "run-0", 2, 2, 5, null, null);
    GroupOriginal ledgered = new GroupOriginal(1, "run-1", 1, 3, 5, null, null);
    ScaleDecision d =
        decide(
            ALL,
            managed("a", 1, 1, 5, tagged.json()),
            managed("b", 1, 1, 5, tagged.json(), Optional.of(ledgered)),
            managed("c", 0, 0, 5, tagged.json(), Optional.of(ledgered)));

    assertEquals(tagged, d.targets().get(0).original());
    assertTrue(d.targets().get(0).record());
    assertEquals(ledgered, d.targets().get(1).original());
    // At zero with a tag: left as it is, naming the ledger's run.
    assertEquals(
        "nodegroup c: already at zero (original recorded by run run-1)", d.targets().get(2).line());
  }

  @Test
  void groupsLeftOutAreSkippedWithWhyInTheOrderFound() throws Exception {
    ScaleDecision d =
        decide(
            named("general", "batch"),
            managed("general", 1, 2, 3, null),
            managed("system", 1, 1, 2, null),
            behindManaged("eks-general-asg"),
            asg("batch", 1, 1, 2, List.of(), null),
            asg("other", 1, 1, 2, List.of(), "not json"));

    assertEquals(List.of(), d.refusals());
    assertEquals(List.of("general"), d.managedNames());
    assertEquals(List.of("batch"), d.selfManagedNames());
    assertEquals(
        List.of(
            new Skip("nodegroup system", "not named in nodegroups"),
            new Skip("asg eks-general-asg", "the Auto Scaling group of a managed node group"),
            new Skip("asg other", "not named in nodegroups")),
        d.skipped());
  }

  @Test
  void allLeavesOutOnlyTheAutoScalingGroupsOfManagedNodeGroups() {
    ScaleDecision d =
        decide(ALL, managed("general", 1, 2, 3, null), behindManaged("eks-general-asg"));

    assertEquals(List.of("general"), d.managedNames());
    assertEquals(List.of(), d.selfManagedNames());
    assertEquals(1, d.skipped().size());
  }

  @Test
  void unknownNamesRefuseTheStopNamingThem() throws Exception {
    ScaleDecision d =
        decide(
            named("general", "eks-general-asg", "nope"),
            managed("general", 1, 2, 3, null),
            behindManaged("eks-general-asg"));

    assertEquals(
        Optional.of(
            "no managed node group or self-managed Auto Scaling group of cluster dev is named"
                + " eks-general-asg, nope; nothing was changed"),
        d.failure());
  }

  @Test
  void anUnreadableTagRefusesTheStopBeforeUnknownNames() throws Exception {
    ScaleDecision d =
        decide(
            named("general", "batch", "nope"),
            managed("general", 1, 2, 3, "{\"v\":2}"),
            asg("batch", 1, 1, 2, List.of(), "not json"));

    assertEquals(
        List.of(
            "node group general: tag eks-scheduler.io/original has version 2, which this release"
                + " cannot read",
            "Auto Scaling group batch: tag eks-scheduler.io/original is not valid: not json",
            "no managed node group or self-managed Auto Scaling group of cluster dev is named"
                + " nope; nothing was changed"),
        d.refusals());
    assertEquals(Optional.of(d.refusals().get(0)), d.failure());
    assertEquals(List.of(), d.targets());
  }

  @Test
  void aSizeOtherThanZeroIsRefusedFromTheParametersAlone() {
    assertEquals(
        Optional.of("size must be zero, not half"),
        ScaleDecision.refusal(new ScaleNodeGroups.Params("dev", null, "half", null)));
    assertEquals(Optional.empty(), ScaleDecision.refusal(ALL));
    assertEquals(
        Optional.empty(),
        ScaleDecision.refusal(new ScaleNodeGroups.Params("dev", null, null, null)));
  }
}
