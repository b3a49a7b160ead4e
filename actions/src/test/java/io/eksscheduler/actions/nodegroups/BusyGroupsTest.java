package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the preflight makes of the statuses EKS and Auto Scaling report. */
class BusyGroupsTest {

  private static NodeGroupSurvey.Group group(
      String name, boolean managed, String status, List<String> issues) {
    return new NodeGroupSurvey.Group(
        name,
        managed,
        1,
        2,
        3,
        List.of("eu-west-1a"),
        List.of(),
        Optional.empty(),
        null,
        List.of(),
        null,
        Map.of(),
        List.of(),
        status,
        issues);
  }

  @Test
  void activeGroupsOfAnActiveClusterAreClear() {
    BusyGroups.Verdict v =
        BusyGroups.judge(
            "dev",
            "ACTIVE",
            List.of(
                group("general", true, "ACTIVE", List.of()),
                group("batch", false, "ACTIVE", List.of())));
    assertTrue(v.clear());
    assertEquals(List.of(), v.degraded());
  }

  @Test
  void aGroupBeingUpdatedCreatedOrDeletedIsBusyAndNamedWithItsStatus() {
    BusyGroups.Verdict v =
        BusyGroups.judge(
            "dev",
            "ACTIVE",
            List.of(
                group("general", true, "UPDATING", List.of()),
                group("new", true, "CREATING", List.of()),
                group("old", true, "DELETING", List.of()),
                group("dev-batch-asg", false, "DELETING", List.of())));
    assertFalse(v.clear());
    assertEquals(
        List.of(
            "nodegroup general is UPDATING",
            "nodegroup new is CREATING",
            "nodegroup old is DELETING",
            "asg dev-batch-asg is DELETING"),
        v.busy());
    assertEquals(List.of(), v.broken());
  }

  @Test
  void anUpdatingClusterIsBusyToo() {
    BusyGroups.Verdict v =
        BusyGroups.judge("dev", "UPDATING", List.of(group("general", true, "ACTIVE", List.of())));
    assertEquals(List.of("cluster dev is UPDATING"), v.busy());
  }

  @Test
  void aGroupThatFailedToBeCreatedOrDeletedIsBrokenWithItsIssues() {
    BusyGroups.Verdict v =
        BusyGroups.judge(
            "dev",
            "ACTIVE",
            List.of(
                group(
                    "bad",
                    true,
                    "CREATE_FAILED",
                    List.of("AsgInstanceLaunchFailures: no capacity")),
                group("gone", true, "DELETE_FAILED", List.of())));
    assertEquals(
        List.of(
            "nodegroup bad is CREATE_FAILED (AsgInstanceLaunchFailures: no capacity)",
            "nodegroup gone is DELETE_FAILED"),
        v.broken());
    assertFalse(v.clear());
  }

  @Test
  void aDegradedGroupIsAHealthStateNotBusy() {
    BusyGroups.Verdict v =
        BusyGroups.judge(
            "dev",
            "ACTIVE",
            List.of(
                group("general", true, "DEGRADED", List.of("Ec2SubnetNotFound: subnet-1 gone"))));
    assertTrue(v.clear());
    assertEquals(
        List.of("nodegroup general is DEGRADED: Ec2SubnetNotFound: subnet-1 gone"), v.degraded());
  }
}
