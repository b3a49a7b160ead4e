package io.eksscheduler.actions.drain;

import static io.eksscheduler.actions.drain.DrainFixtures.budget;
import static io.eksscheduler.actions.drain.DrainFixtures.node;
import static io.eksscheduler.actions.drain.DrainFixtures.pod;
import static io.eksscheduler.actions.drain.DrainFixtures.survey;
import static io.eksscheduler.actions.drain.DrainFixtures.web;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.kube.ClusterView;
import io.eksscheduler.engine.spi.Effect;
import io.eksscheduler.engine.spi.Plan;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a drain's plan says: its changes, what it keeps, its outputs, their exactness, effects. */
class DrainPreviewTest {
  /** The stock playbook's drain: every node, unmanaged pods evicted, delete-stateless, 2m. */
  private static final DrainNodes.Params STOCK = params(null);

  private final List<Effect> read = new ArrayList<>();

  private static DrainNodes.Params params(Integer parallel) {
    return new DrainNodes.Params(
        null,
        parallel,
        null,
        DrainNodes.UnmanagedPods.EVICT,
        null,
        DrainNodes.BudgetPolicy.DELETE_STATELESS,
        Duration.ofMinutes(2),
        null);
  }

  private static Plan preview(DrainSurvey survey, DrainNodes.Params params) {
    DrainPlan d = DrainDecision.decide(survey, params);
    return DrainPreview.of(d, Set.of(), params, survey.unknowns());
  }

  /** A StatefulSet's pod holding data, under a budget that allows no disruption. */
  private static V1Pod postgres(String node) {
    V1Pod p = pod("postgres-0", node, "StatefulSet");
    p.getMetadata().labels(Map.of("app", "postgres"));
    p.getSpec()
        .volumes(
            List.of(
                new V1Volume()
                    .name("data")
                    .persistentVolumeClaim(
                        new V1PersistentVolumeClaimVolumeSource().claimName("data-postgres-0"))));
    return p;
  }

  private static DrainSurvey databaseAndWeb() {
    return survey(
        List.of(node("n1", false), node("n2", false)),
        List.of(postgres("n1"), web("w1", "n2")),
        List.of(budget("postgres", Map.of("app", "postgres"), 0)));
  }

  @Test
  void aDatabaseLiveIsLeftToTerminationByTheDrain() {
    Plan plan = preview(databaseAndWeb(), STOCK);
    assertEquals(
        List.of(
            "ns/postgres-0 on n1: blocked by PodDisruptionBudget ns/postgres; holds data"
                + " (PersistentVolumeClaim [data-postgres-0]), kept"),
        plan.predictedOutputs().get("leftToTermination"));
    assertEquals(1L, plan.predictedOutputs().get("evicted"));
  }

  @Test
  void aDatabasePutToSleepBeforeTheDrainIsNeitherEvictedNorLeftInItsPlan() {
    var asleep =
        new ClusterEffect.Scaled(
            new ClusterEffect.Ref("StatefulSet", "ns", "postgres"),
            0,
            ClusterEffect.Marker.set("{\"v\":1,\"run\":\"r1\",\"replicas\":1}"));
    var podsGone =
        new ClusterEffect.PodsGone(
            "ns",
            new V1LabelSelector().matchLabels(Map.of("app", "postgres")),
            "StatefulSet ns/postgres");
    ClusterView view = new ClusterView(List.of(asleep, podsGone), read::add);
    Plan plan = preview(databaseAndWeb().seenThrough(view), STOCK);
    assertEquals(List.of(), plan.predictedOutputs().get("leftToTermination"));
    assertEquals(1L, plan.predictedOutputs().get("evicted"));
    assertEquals(
        List.of("cordon node n1", "cordon node n2", "evict ns/w1 from n2"), plan.changes());
    assertEquals(Map.of(), plan.inexact());
    assertEquals(List.of(podsGone), read);
  }

  @Test
  void itsEffectsAreTheCordonThePodsRemovedAndTheirReplacements() {
    V1Node cordoned = node("n1", true);
    Plan plan =
        preview(
            survey(
                List.of(cordoned, node("n2", false)),
                List.of(web("w1", "n1"), web("w2", "n2"), pod("lonely", "n2", null)),
                List.of()),
            STOCK);
    assertEquals(
        List.of(
            new ClusterEffect.NodesCordoned(List.of("n2")),
            new ClusterEffect.PodsRemoved(List.of("ns/w1", "ns/w2", "ns/lonely")),
            new ClusterEffect.PodsStarting("ns", "ReplicaSet ns/o", Map.of("app", "web"), 2)),
        plan.effects());
  }

  @Test
  void nodesAlreadyCordonedAndPodsThatGoWithTheirNodeAreKeptAsTheyAre() {
    Plan plan =
        preview(
            survey(
                List.of(node("n1", true), node("n2", false)),
                List.of(pod("proxy", "n1", "DaemonSet")),
                List.of()),
            STOCK);
    assertEquals(
        List.of("node n1 is already cordoned", "skip ns/proxy on n1: DaemonSet pod"),
        plan.unchanged());
    assertEquals(List.of("cordon node n2"), plan.changes());
  }

  @Test
  void aBudgetSplitAcrossNodesDrainedInParallelMakesOnlyTheDeletedPodsInexact() {
    DrainSurvey s =
        survey(
            List.of(node("n1", false), node("n2", false)),
            List.of(web("w1", "n1"), web("w2", "n2")),
            List.of(budget("web", Map.of("app", "web"), 1)));
    Plan plan = preview(s, STOCK);
    assertEquals(1L, plan.predictedOutputs().get("deleted"));
    assertEquals(
        Map.of(
            "deletedPods",
            "which pods of PodDisruptionBudget ns/web are evicted first depends on the order"
                + " their nodes drain in parallel"),
        plan.inexact());
    assertEquals(Map.of(), preview(s, params(1)).inexact());
  }

  @Test
  void aBlockedBudgetThatMayClearBeforeTheDeadlineMakesWhatItDecidesInexact() {
    V1Node n1 = node("n1", false);
    DrainSurvey s =
        new DrainSurvey(
            List.of(n1, node("spare", false)),
            List.of(n1),
            List.of(web("w1", "n1")),
            List.of(budget("web", Map.of("app", "web"), 0)));
    Plan plan = preview(s, STOCK);
    String why =
        "PodDisruptionBudget ns/web allows no eviction now but may within budgetDeadline (2m),"
            + " and then its pods are evicted";
    assertEquals(Map.of("evicted", why, "leftToTermination", why), plan.inexact());
  }

  @Test
  void podsStartingWhereTheDrainLooksMakeEveryOutputInexact() {
    var starting = new ClusterEffect.PodsStarting("ns", "ReplicaSet ns/o", Map.of("app", "web"), 1);
    DrainSurvey s =
        survey(List.of(node("n1", false)), List.of(), List.of())
            .seenThrough(new ClusterView(List.of(starting), read::add));
    Plan plan = preview(s, STOCK);
    assertEquals(
        Set.of("nodes", "evicted", "deleted", "deletedPods", "leftToTermination"),
        plan.inexact().keySet());
    assertTrue(plan.inexact().get("nodes").startsWith("1 pods of ReplicaSet ns/o start"));
  }

  @Test
  void aDrainThatWouldFailPredictsNoEffect() {
    Plan plan =
        preview(
            survey(List.of(node("n1", false)), List.of(pod("lonely", "n1", null)), List.of()),
            DrainFixtures.DEFAULTS);
    assertEquals("the drain would fail before any change", plan.changes().get(1));
    assertEquals(List.of(), plan.effects());
  }
}
