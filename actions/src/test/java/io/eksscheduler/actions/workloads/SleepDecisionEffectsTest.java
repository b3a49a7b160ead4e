package io.eksscheduler.actions.workloads;

import static io.eksscheduler.actions.workloads.Fixtures.cronJob;
import static io.eksscheduler.actions.workloads.Fixtures.deployment;
import static io.eksscheduler.actions.workloads.Fixtures.job;
import static io.eksscheduler.actions.workloads.Fixtures.replicas;
import static io.eksscheduler.actions.workloads.Fixtures.scope;
import static io.eksscheduler.actions.workloads.Fixtures.statefulSet;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a sleep's plan predicts: the effects later steps read, its no-ops, its inexact outputs. */
class SleepDecisionEffectsTest {
  private static final SleepWorkloads.Params WAIT =
      new SleepWorkloads.Params(null, null, null, false, null, null, null);
  private static final SleepWorkloads.Params SUSPEND =
      new SleepWorkloads.Params(null, null, null, false, null, SleepWorkloads.Jobs.SUSPEND, null);

  private static SleepDecision decide(SleepWorkloads.Params params, Workload... workloads) {
    return SleepDecision.decide(new SleepSurvey.Found(scope(), List.of(workloads)), params);
  }

  private static ClusterEffect.Marker suspendedFrom(boolean suspend) {
    return ClusterEffect.Marker.set(Originals.format(Original.ofSuspend("r1", suspend)));
  }

  private static ClusterEffect.PodsGone podsGone(Workload w) {
    return new ClusterEffect.PodsGone(w.namespace(), w.selector(), w.id());
  }

  @Test
  void aDeploymentPutToSleepIsAtZeroWithItsOriginalMarkedAndItsPodsGone() {
    Workload api = deployment("shop/api", 2);
    assertEquals(
        List.of(
            new ClusterEffect.Scaled(
                new ClusterEffect.Ref("Deployment", "shop", "api"),
                0,
                ClusterEffect.Marker.set(replicas("r1", 2))),
            podsGone(api)),
        decide(WAIT, api).effects("r1"));
  }

  @Test
  void theOriginalAlreadyRecordedIsTheOneMarked() {
    Workload api = deployment("shop/api", 2, Originals.ANNOTATION, replicas("r0", 3));
    ClusterEffect.Scaled scaled = (ClusterEffect.Scaled) decide(WAIT, api).effects("r1").get(0);
    assertEquals(ClusterEffect.Marker.set(replicas("r0", 3)), scaled.marker());
  }

  @Test
  void aCronJobIsSuspendedAndHasNoPodsToWaitFor() {
    assertEquals(
        List.of(
            new ClusterEffect.Suspended(
                new ClusterEffect.Ref("CronJob", "batch", "report"), true, suspendedFrom(false))),
        decide(WAIT, cronJob("batch/report", false)).effects("r1"));
  }

  @Test
  void aRunningJobSuspendedIsSuspendedAndItsPodsGone() {
    Workload reindex = job("batch/reindex", false, false);
    assertEquals(
        List.of(
            new ClusterEffect.Suspended(
                new ClusterEffect.Ref("Job", "batch", "reindex"), true, suspendedFrom(false)),
            podsGone(reindex)),
        decide(SUSPEND, reindex).effects("r1"));
  }

  @Test
  void aJobWaitedForIsNotSuspendedButLeavesNoRunningPod() {
    Workload reindex = job("batch/reindex", false, false);
    assertEquals(List.of(podsGone(reindex)), decide(WAIT, reindex).effects("r1"));
  }

  @Test
  void aWorkloadAsleepWithItsOriginalIsLeftAsItIsAndItsPodsAreWaitedFor() {
    Workload api = deployment("shop/api", 0, Originals.ANNOTATION, replicas("r0", 3));
    assertEquals(List.of(podsGone(api)), decide(WAIT, api).effects("r1"));
  }

  @Test
  void effectsComeInTheOrderOfTheWaves() {
    Workload api = deployment("shop/api", 2, Originals.DEPENDS_ON, "db");
    Workload db = statefulSet("shop/db", 1);
    List<String> lines =
        decide(WAIT, db, api, cronJob("batch/report", false)).effects("r1").stream()
            .map(ClusterEffect::line)
            .toList();
    assertEquals(
        List.of(
            "CronJob batch/report: suspend true, original "
                + Originals.format(Original.ofSuspend("r1", false))
                + " recorded",
            "Deployment shop/api: replicas 0, original " + replicas("r1", 2) + " recorded",
            "pods of Deployment shop/api gone",
            "StatefulSet shop/db: replicas 0, original " + replicas("r1", 1) + " recorded",
            "pods of StatefulSet shop/db gone"),
        lines);
  }

  @Test
  void excludedWorkloadsAndACycleHaveNoEffects() {
    assertEquals(
        List.of(),
        decide(WAIT, deployment("shop/api", 2, Originals.EXCLUDE, "true")).effects("r1"));
    assertEquals(
        List.of(),
        decide(
                WAIT,
                deployment("shop/a", 1, Originals.DEPENDS_ON, "b"),
                deployment("shop/b", 1, Originals.DEPENDS_ON, "a"))
            .effects("r1"));
  }

  @Test
  void aCronJobSuspendedWithoutAnOriginalIsKeptAndRecordedAsItIs() {
    SleepDecision d = decide(SUSPEND, cronJob("batch/cleanup", true));
    assertEquals(List.of(), d.lines());
    assertEquals(
        List.of(
            "CronJob batch/cleanup: already suspended, kept (suspended recorded as its original)"),
        d.unchanged());
    assertEquals(List.of("CronJob batch/cleanup"), d.slept());
    assertEquals(
        List.of(
            new ClusterEffect.Suspended(
                new ClusterEffect.Ref("CronJob", "batch", "cleanup"), true, suspendedFrom(true))),
        d.effects("r1"));
  }

  @Test
  void aDeploymentAtZeroWithoutAnOriginalIsKeptAndRecordedAsItIs() {
    SleepDecision d = decide(WAIT, deployment("shop/idle", 0));
    assertEquals(List.of(), d.lines());
    assertEquals(
        List.of("Deployment shop/idle: already at 0, kept (replicas 0 recorded as its original)"),
        d.unchanged());
  }

  @Test
  void aRunningJobToSuspendMakesSleptAndWavesInexact() {
    String why = "Job batch/reindex may finish before the run; a finished Job is not slept";
    assertEquals(
        Map.of("slept", why, "waves", why),
        decide(SUSPEND, job("batch/reindex", false, false), deployment("shop/api", 1)).inexact());
  }

  @Test
  void aRunningJobWaitedForMakesOnlyWavesInexact() {
    assertEquals(
        List.of("waves"),
        List.copyOf(decide(WAIT, job("batch/reindex", false, false)).inexact().keySet()));
  }

  @Test
  void withoutARunningJobEveryOutputIsExact() {
    assertEquals(
        Map.of(),
        decide(
                SUSPEND,
                job("batch/done", false, true),
                job(
                    "batch/held",
                    true,
                    false,
                    Originals.ANNOTATION,
                    "{\"v\":1,\"run\":\"r0\",\"suspend\":false}"),
                cronJob("batch/report", false),
                deployment("shop/api", 1))
            .inexact());
  }
}
