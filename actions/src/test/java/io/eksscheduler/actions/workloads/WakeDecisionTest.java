package io.eksscheduler.actions.workloads;

import static io.eksscheduler.actions.workloads.Fixtures.cronJob;
import static io.eksscheduler.actions.workloads.Fixtures.deployment;
import static io.eksscheduler.actions.workloads.Fixtures.replicas;
import static io.eksscheduler.actions.workloads.Fixtures.scope;
import static io.eksscheduler.actions.workloads.Fixtures.statefulSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WakeDecisionTest {
  private static final WakeWorkloads.Params PARAMS =
      new WakeWorkloads.Params(null, null, false, null, null, null);

  private static WakeDecision decide(Map<String, Original> ledger, Workload... workloads) {
    return WakeDecision.decide(
        new WakeDecision.Survey(scope(), List.of(workloads), ledger), PARAMS);
  }

  /** A database, an app depending on it and a CronJob that ran, all put to sleep by run r0. */
  private static WakeDecision shopAsleep() {
    return decide(
        Map.of(),
        cronJob(
            "shop/report",
            true,
            Originals.ANNOTATION,
            "{\"v\":1,\"run\":\"r0\",\"suspend\":false}"),
        deployment(
            "shop/api", 0, Originals.DEPENDS_ON, "db", Originals.ANNOTATION, replicas("r0", 2)),
        statefulSet("shop/db", 0, Originals.ANNOTATION, replicas("r0", 1)));
  }

  @Test
  void dependenciesWakeFirstAndCronJobsLast() {
    WakeDecision d = shopAsleep();
    assertEquals(
        List.of(
            "wave 1: StatefulSet shop/db: replicas 0 -> 1, annotation removed",
            "wave 2: Deployment shop/api: replicas 0 -> 2, annotation removed",
            "wave 3: CronJob shop/report: suspend true -> false, annotation removed"),
        d.lines());
    assertEquals(
        List.of("StatefulSet shop/db", "Deployment shop/api", "CronJob shop/report"), d.woken());
  }

  @Test
  void theLedgerWinsOverTheAnnotation() {
    WakeDecision d =
        decide(
            Map.of("original:Deployment shop/api", Original.ofReplicas("r1", 5)),
            deployment("shop/api", 0, Originals.ANNOTATION, replicas("r0", 3)));
    assertEquals(Original.ofReplicas("r1", 5), d.waves().get(0).get(0).original());
  }

  @Test
  void withTheLedgersOriginalAnUnreadableAnnotationIsNotRead() {
    WakeDecision d =
        decide(
            Map.of("original:Deployment shop/api", Original.ofReplicas("r1", 5)),
            deployment("shop/api", 0, Originals.ANNOTATION, "garbage"));
    assertEquals(List.of(), d.refused());
    assertEquals(
        List.of("wave 1: Deployment shop/api: replicas 0 -> 5, annotation removed"), d.lines());
  }

  @Test
  void aWorkloadRestoredAlreadyIsAwake() {
    WakeDecision d =
        decide(
            Map.of("original:Deployment shop/api", Original.ofReplicas("r1", 2)),
            deployment("shop/api", 2));
    assertEquals(List.of(), d.lines());
    assertEquals(List.of("Deployment shop/api: already awake"), d.unchanged());
    assertEquals(List.of("Deployment shop/api"), d.woken());
    assertEquals(List.of(), d.effects());
  }

  @Test
  void aWorkloadWithItsValueBackButStillAnnotatedIsWokenToClearTheAnnotation() {
    WakeDecision d =
        decide(Map.of(), deployment("shop/api", 3, Originals.ANNOTATION, replicas("r0", 3)));
    assertEquals(List.of(), d.lines());
    assertEquals(
        List.of("Deployment shop/api: stays at 3 replicas as before the stop; annotation removed"),
        d.unchanged());
    assertEquals(List.of("Deployment shop/api"), d.woken());
    assertEquals(
        List.of(
            new ClusterEffect.Scaled(
                new ClusterEffect.Ref("Deployment", "shop", "api"),
                3,
                ClusterEffect.Marker.removed())),
        d.effects(),
        "its annotation goes; no pod starts");
  }

  @Test
  void aCronJobSuspendedBeforeTheStopStaysSuspendedAndIsNotShownAsAChange() {
    WakeDecision d =
        decide(
            Map.of(),
            cronJob(
                "batch/cleanup",
                true,
                Originals.ANNOTATION,
                "{\"v\":1,\"run\":\"r0\",\"suspend\":true}"));
    assertEquals(List.of(), d.lines());
    assertEquals(
        List.of("CronJob batch/cleanup: stays suspended as before the stop; annotation removed"),
        d.unchanged());
    assertEquals(
        List.of(
            new ClusterEffect.Suspended(
                new ClusterEffect.Ref("CronJob", "batch", "cleanup"),
                true,
                ClusterEffect.Marker.removed())),
        d.effects());
  }

  @Test
  void eachWorkloadWokenGetsItsOriginalBackWithoutTheAnnotationAndItsPodsStart() {
    WakeDecision d = shopAsleep();
    assertEquals(
        List.of(
            new ClusterEffect.Scaled(
                new ClusterEffect.Ref("StatefulSet", "shop", "db"),
                1,
                ClusterEffect.Marker.removed()),
            new ClusterEffect.PodsStarting(
                "shop", "StatefulSet shop/db", Map.of("app", "shop/db"), 1),
            new ClusterEffect.Scaled(
                new ClusterEffect.Ref("Deployment", "shop", "api"),
                2,
                ClusterEffect.Marker.removed()),
            new ClusterEffect.PodsStarting(
                "shop", "Deployment shop/api", Map.of("app", "shop/api"), 2),
            new ClusterEffect.Suspended(
                new ClusterEffect.Ref("CronJob", "shop", "report"),
                false,
                ClusterEffect.Marker.removed())),
        d.effects());
    assertEquals(List.of(), d.unchanged());
  }

  @Test
  void aWorkloadWithoutAnyOriginalIsLeftAsItIs() {
    WakeDecision d = decide(Map.of(), deployment("shop/api", 0));
    assertEquals(List.of(), d.waves());
    assertEquals(List.of("Deployment shop/api"), d.notRecorded());
  }

  @Test
  void excludedNamespacesAreNotWoken() {
    WakeDecision d =
        decide(Map.of(), deployment("kube-system/dns", 0, Originals.ANNOTATION, replicas("r0", 2)));
    assertEquals(List.of(), d.waves());
    assertEquals(List.of(), d.notRecorded());
  }

  @Test
  void anUnreadableOriginalRefusesTheStepNamingTheWorkload() {
    WakeDecision d = decide(Map.of(), deployment("shop/api", 0, Originals.ANNOTATION, "{\"v\":2}"));
    ActionFailure e = assertThrows(ActionFailure.class, d::failIfRefused);
    assertEquals(
        "Deployment shop/api: annotation eks-scheduler.io/original has version 2, which this"
            + " release cannot read: {\"v\":2}; fix or remove it",
        e.getMessage());
  }

  @Test
  void aCycleRefusesTheStepWithNothingChanged() {
    WakeDecision d =
        decide(
            Map.of(),
            deployment(
                "shop/a", 0, Originals.DEPENDS_ON, "b", Originals.ANNOTATION, replicas("r0", 1)),
            deployment(
                "shop/b", 0, Originals.DEPENDS_ON, "a", Originals.ANNOTATION, replicas("r0", 1)));
    assertEquals(List.of(), d.waves());
    assertTrue(d.refused().get(0).endsWith("; nothing was changed"));
  }
}
