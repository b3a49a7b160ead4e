package io.eksscheduler.actions.drain;

import static io.eksscheduler.actions.drain.DrainFixtures.DEFAULTS;
import static io.eksscheduler.actions.drain.DrainFixtures.budget;
import static io.eksscheduler.actions.drain.DrainFixtures.node;
import static io.eksscheduler.actions.drain.DrainFixtures.params;
import static io.eksscheduler.actions.drain.DrainFixtures.pod;
import static io.eksscheduler.actions.drain.DrainFixtures.survey;
import static io.eksscheduler.actions.drain.DrainFixtures.web;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.drain.DrainPlan.Eviction;
import io.eksscheduler.actions.drain.DrainPlan.NodeDrain;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Volume;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrainDecisionTest {
  private static List<String> evicted(DrainPlan plan) {
    return plan.evictions().stream().map(Eviction::name).toList();
  }

  @Test
  void anEmptySelectionPlansNothingAndMayGoOn() {
    DrainPlan plan =
        DrainDecision.decide(
            new DrainSurvey(List.of(node("n1", false)), List.of(), List.of(), List.of()), DEFAULTS);
    assertEquals(List.of(), plan.nodes());
    assertEquals(List.of(), plan.evictions());
    assertEquals(Optional.empty(), plan.failure());
  }

  @Test
  void nodesAlreadyCordonedAreNotCordonedAgain() {
    DrainPlan plan =
        DrainDecision.decide(
            survey(List.of(node("n1", true), node("n2", false)), List.of(), List.of()), DEFAULTS);
    assertEquals(List.of("n1", "n2"), plan.nodeNames());
    assertFalse(plan.nodes().get(0).cordon());
    assertTrue(plan.nodes().get(1).cordon());
  }

  @Test
  void podsAreEvictedNodeByNodeInTheOrderListed() {
    DrainPlan plan =
        DrainDecision.decide(
            survey(
                List.of(node("n1", false), node("n2", false)),
                List.of(
                    pod("a", "n2", "ReplicaSet"),
                    pod("b", "n1", "ReplicaSet"),
                    pod("c", "n2", "StatefulSet")),
                List.of()),
            DEFAULTS);
    assertEquals(
        List.of("ns/b"), plan.nodes().get(0).evictions().stream().map(Eviction::name).toList());
    assertEquals(
        List.of("ns/a", "ns/c"),
        plan.nodes().get(1).evictions().stream().map(Eviction::name).toList());
    assertEquals(List.of("ns/b", "ns/a", "ns/c"), evicted(plan));
  }

  @Test
  void daemonSetAndMirrorPodsGoWithTheirNode() {
    V1Pod mirror = pod("etcd", "n1", null);
    mirror.getMetadata().annotations(Map.of(PodVerdicts.MIRROR, "x"));
    DrainPlan plan =
        DrainDecision.decide(
            survey(
                List.of(node("n1", false)),
                List.of(pod("proxy", "n1", "DaemonSet"), mirror),
                List.of()),
            DEFAULTS);
    assertEquals(
        List.of("ns/proxy on n1: DaemonSet pod", "ns/etcd on n1: mirror (static) pod"),
        DrainPlan.lines(plan.skipped()));
    assertEquals(List.of(), plan.evictions());
    assertEquals(Optional.empty(), plan.failure());
  }

  @Test
  void emptyDirDataIsEvictedByDefaultAndRefusesTheDrainWithoutConsent() {
    V1Pod cache = pod("cache", "n1", "ReplicaSet");
    cache
        .getSpec()
        .volumes(List.of(new V1Volume().name("tmp").emptyDir(new V1EmptyDirVolumeSource())));
    DrainSurvey s = survey(List.of(node("n1", false)), List.of(cache), List.of());
    assertEquals(List.of("ns/cache"), evicted(DrainDecision.decide(s, DEFAULTS)));
    DrainPlan strict = DrainDecision.decide(s, params(false, null, null));
    assertEquals(List.of(), strict.evictions());
    assertEquals(
        Optional.of(
            "refusing to drain, nothing was changed: ns/cache on n1: uses emptyDir, whose data an"
                + " eviction deletes; set deleteEmptyDirData: true"),
        strict.failure());
  }

  @Test
  void unmanagedPodsRefuseTheDrainOrAreLeftOrEvictedAsSet() {
    DrainSurvey s =
        survey(List.of(node("n1", false)), List.of(pod("lonely", "n1", null)), List.of());
    DrainPlan refused = DrainDecision.decide(s, DEFAULTS);
    assertEquals(
        List.of(
            "ns/lonely on n1: no controller will recreate it; set unmanagedPods: evict or leave"
                + " to drain anyway"),
        DrainPlan.lines(refused.refused()));
    assertTrue(refused.failure().isPresent());
    DrainPlan left = DrainDecision.decide(s, params(null, DrainNodes.UnmanagedPods.LEAVE, null));
    assertEquals(
        List.of("ns/lonely on n1: no controller will recreate it (unmanagedPods: leave)"),
        DrainPlan.lines(left.left()));
    assertEquals(Optional.empty(), left.failure());
    assertEquals(
        List.of("ns/lonely"),
        evicted(DrainDecision.decide(s, params(null, DrainNodes.UnmanagedPods.EVICT, null))));
  }

  @Test
  void podsAlreadyTerminatingAreLeftToGo() {
    V1Pod going = pod("going", "n1", null);
    going.getMetadata().deletionTimestamp(OffsetDateTime.parse("2030-01-01T00:00:00Z"));
    DrainPlan plan =
        DrainDecision.decide(
            survey(List.of(node("n1", false)), List.of(going), List.of()), DEFAULTS);
    assertEquals(List.of(), plan.evictions());
    assertEquals(List.of(), plan.refused());
  }

  @Test
  void aBudgetThatCanNeverBeMetFailsBeforeAnyChangeUnderPolicyFail() {
    DrainSurvey s =
        survey(
            List.of(node("n1", false), node("n2", false)),
            List.of(web("w1", "n1"), web("w2", "n2")),
            List.of(budget("web", Map.of("app", "web"), 1)));
    assertEquals(
        Optional.of(
            "PodDisruptionBudgets that can never be met while these nodes drain, nothing was"
                + " changed: ns/web (allows 1, 2 pods); set whenBudgetCannotBeMet: delete,"
                + " delete-stateless or leave-to-termination"),
        DrainDecision.decide(s, DEFAULTS).failure());
    DrainPlan leave =
        DrainDecision.decide(s, params(null, null, DrainNodes.BudgetPolicy.LEAVE_TO_TERMINATION));
    assertEquals(Optional.empty(), leave.failure());
    assertEquals(Set.of("ns/web"), leave.unmeetableNames());
    assertTrue(leave.evictions().stream().allMatch(Eviction::hopeless));
    assertEquals("ns/web", leave.evictions().get(0).budget());
  }

  @Test
  void deleteStatelessDeletesAtOnceWhatHoldsNoDataAndLeavesWhatDoes() {
    V1Pod db = web("db", "n2");
    db.getSpec()
        .volumes(
            List.of(
                new V1Volume()
                    .name("data")
                    .persistentVolumeClaim(
                        new V1PersistentVolumeClaimVolumeSource().claimName("data-db")),
                new V1Volume().name("tmp").emptyDir(new V1EmptyDirVolumeSource())));
    DrainSurvey s =
        survey(
            List.of(node("n1", false), node("n2", false)),
            List.of(web("w1", "n1"), db),
            List.of(budget("web", Map.of("app", "web"), 1)));
    DrainNodes.BudgetPolicy policy = DrainNodes.BudgetPolicy.DELETE_STATELESS;
    DrainPlan plan = DrainDecision.decide(s, params(null, null, policy));
    assertEquals(Optional.empty(), plan.failure());
    Eviction stateless = plan.evictions().get(0);
    Eviction holdsData = plan.evictions().get(1);
    assertEquals(List.of(), stateless.claims());
    assertEquals(List.of("data-db"), holdsData.claims());
    assertEquals(Optional.of(DrainPlan.Fate.DELETE), DrainPlan.onRefusal(stateless, policy));
    assertEquals(Optional.of(DrainPlan.Fate.LEAVE), DrainPlan.onRefusal(holdsData, policy));
    assertEquals(
        "ns/db on n2: blocked by PodDisruptionBudget ns/web; holds data (PersistentVolumeClaim"
            + " [data-db]), kept",
        holdsData.leftLine());
    assertEquals(
        "ns/w1 on n1: past PodDisruptionBudget ns/web, holds no data; its controller recreates it",
        stateless.deletedLine());
    // A budget that could still be met is retried until budgetDeadline, then left.
    Eviction meetable = new Eviction(stateless.pod(), "ns/w1", "n1", "ns/web", false, List.of());
    assertEquals(Optional.empty(), DrainPlan.onRefusal(meetable, policy));
    assertEquals(Optional.of(DrainPlan.Fate.LEAVE), DrainPlan.pastDeadline(policy));
  }

  @Test
  void eachPolicyDecidesTheFateOfARefusedPod() {
    Eviction hopeless = new Eviction(web("w1", "n1"), "ns/w1", "n1", "ns/web", true, List.of());
    assertEquals(
        Optional.of(DrainPlan.Fate.LEAVE),
        DrainPlan.onRefusal(hopeless, DrainNodes.BudgetPolicy.LEAVE_TO_TERMINATION));
    // delete and fail wait for budgetDeadline, even for a budget that can never be met
    assertEquals(Optional.empty(), DrainPlan.onRefusal(hopeless, DrainNodes.BudgetPolicy.DELETE));
    assertEquals(Optional.empty(), DrainPlan.onRefusal(hopeless, DrainNodes.BudgetPolicy.FAIL));
    assertEquals(
        Optional.of(DrainPlan.Fate.DELETE), DrainPlan.pastDeadline(DrainNodes.BudgetPolicy.DELETE));
    assertEquals(
        Optional.of(DrainPlan.Fate.LEAVE),
        DrainPlan.pastDeadline(DrainNodes.BudgetPolicy.LEAVE_TO_TERMINATION));
    assertEquals(Optional.empty(), DrainPlan.pastDeadline(DrainNodes.BudgetPolicy.FAIL));
  }

  @Test
  void aDryRunBlocksPodsPastTheirBudgetsAllowanceAndThoseTheServerRefuses() {
    V1Node spare = node("spare", false);
    List<V1Node> draining = List.of(node("n1", false), node("n2", false));
    DrainSurvey s =
        new DrainSurvey(
            List.of(draining.get(0), draining.get(1), spare),
            draining,
            List.of(web("w1", "n1"), web("w2", "n2"), pod("other", "n2", "ReplicaSet")),
            List.of(budget("web", Map.of("app", "web"), 1)));
    DrainPlan plan = DrainDecision.decide(s, DEFAULTS);
    assertEquals(Optional.empty(), plan.failure());
    assertFalse(plan.evictions().get(0).hopeless());
    assertEquals(Set.of("ns/w2"), DrainDecision.blockedInDryRun(plan, Set.of()));
    assertEquals(
        Set.of("ns/w2", "ns/other"), DrainDecision.blockedInDryRun(plan, Set.of("ns/other")));
  }

  @Test
  void aPodUnderTwoBudgetsRefusesTheDrain() {
    DrainSurvey s =
        survey(
            List.of(node("n1", false)),
            List.of(web("w1", "n1")),
            List.of(budget("web", Map.of("app", "web"), 5), budget("all", Map.of(), 5)));
    assertEquals(
        Optional.of(
            "refusing to drain, nothing was changed: pods covered by several"
                + " PodDisruptionBudgets cannot be evicted: ns/w1 (ns/web, ns/all)"),
        DrainDecision.decide(s, DEFAULTS).failure());
  }

  @Test
  void nodesKeepTheirEvictionsEvenWhenEmpty() {
    DrainPlan plan =
        DrainDecision.decide(
            survey(List.of(node("n1", false)), List.of(pod("proxy", "n1", "DaemonSet")), List.of()),
            DEFAULTS);
    assertEquals(List.of(new NodeDrain("n1", true, List.of())), plan.nodes());
  }
}
