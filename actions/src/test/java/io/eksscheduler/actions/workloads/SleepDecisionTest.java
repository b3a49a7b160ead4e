package io.eksscheduler.actions.workloads;

import static io.eksscheduler.actions.workloads.Fixtures.cronJob;
import static io.eksscheduler.actions.workloads.Fixtures.deployment;
import static io.eksscheduler.actions.workloads.Fixtures.job;
import static io.eksscheduler.actions.workloads.Fixtures.replicas;
import static io.eksscheduler.actions.workloads.Fixtures.scope;
import static io.eksscheduler.actions.workloads.Fixtures.statefulSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SleepDecisionTest {
  private static final SleepWorkloads.Params WAIT =
      new SleepWorkloads.Params(null, null, null, false, null, null, null);
  private static final SleepWorkloads.Params SUSPEND =
      new SleepWorkloads.Params(null, null, null, false, null, SleepWorkloads.Jobs.SUSPEND, null);

  private static SleepDecision decide(
      SleepScope scope, SleepWorkloads.Params params, Workload... workloads) {
    return SleepDecision.decide(new SleepSurvey.Found(scope, List.of(workloads)), params);
  }

  @Test
  void dependentsSleepBeforeWhatTheyDependOn() {
    SleepDecision d =
        decide(
            scope(),
            WAIT,
            deployment("shop/api", 2, Originals.DEPENDS_ON, "db"),
            statefulSet("shop/db", 1));
    assertEquals(
        List.of(
            "wave 1: Deployment shop/api: replicas 2 -> 0",
            "wave 2: StatefulSet shop/db: replicas 1 -> 0"),
        d.lines());
    assertEquals(List.of("Deployment shop/api", "StatefulSet shop/db"), d.slept());
  }

  @Test
  void theStepsDependenciesOrderTheWavesToo() {
    SleepWorkloads.Params params =
        new SleepWorkloads.Params(
            null, null, null, false, Map.of("shop/api", List.of("db")), null, null);
    SleepDecision d = decide(scope(), params, deployment("shop/api", 2), statefulSet("shop/db", 1));
    assertEquals(List.of(List.of("Deployment shop/api"), List.of("StatefulSet shop/db")), d.ids());
  }

  @Test
  void cronJobsAndRunningJobsGoFirstJobsAfterCronJobs() {
    SleepDecision d =
        decide(
            scope(),
            SUSPEND,
            job("a/backup", false, false),
            deployment("a/api", 1),
            cronJob("z/report", false));
    assertEquals(
        List.of(List.of("CronJob z/report", "Job a/backup"), List.of("Deployment a/api")), d.ids());
    assertEquals("wave 1: Job a/backup: suspend false -> true", d.lines().get(1));
  }

  @Test
  void runningJobsAreWaitedForUnlessTheStepSuspendsThem() {
    SleepDecision d = decide(scope(), WAIT, job("a/backup", false, false));
    assertEquals(List.of("wave 1: Job a/backup: wait up to 10m for it to finish"), d.lines());
    assertEquals(SleepDecision.Verdict.WAIT_FOR_JOB, d.waves().get(0).get(0).verdict());
    assertEquals(List.of(), d.slept());
    assertEquals(List.of(List.of("Job a/backup")), d.ids());
  }

  @Test
  void theJobDeadlinePrintsInThePlaybookForm() {
    SleepWorkloads.Params params =
        new SleepWorkloads.Params(
            null, null, null, false, null, SleepWorkloads.Jobs.WAIT, Duration.ofMinutes(90));
    SleepDecision d = decide(scope(), params, job("a/backup", false, false));
    assertEquals(List.of("wave 1: Job a/backup: wait up to 1h30m for it to finish"), d.lines());
  }

  @Test
  void finishedJobsAndJobsSuspendedBySomeoneElseAreNotOurs() {
    SleepDecision d =
        decide(
            scope(),
            SUSPEND,
            job("a/done", false, true),
            job("a/held", true, false),
            job("a/ours", true, false, Originals.ANNOTATION, "{\"v\":1,\"suspend\":false}"));
    assertEquals(List.of(List.of("Job a/ours")), d.ids());
    assertEquals(
        List.of("Job a/done: finished", "Job a/held: suspended by someone else"), d.notOurs());
  }

  @Test
  void excludedWorkloadsAreLeftRunningEachWithWhy() {
    SleepDecision d =
        decide(
            scope(Map.of("certs", "cert-manager-webhook"), "quiet"),
            WAIT,
            deployment("certs/hook", 1),
            deployment("kube-system/dns", 2),
            deployment("quiet/app", 1),
            deployment("shop/api", 1, Originals.EXCLUDE, "true"));
    assertEquals(List.of(), d.waves());
    assertEquals(
        List.of(
            "excluded: Deployment certs/hook: namespace certs serves admission webhook"
                + " cert-manager-webhook (includeSystem: true overrides)",
            "excluded: Deployment kube-system/dns: namespace kube-system is a system namespace"
                + " (includeSystem: true overrides)",
            "excluded: Deployment quiet/app: namespace quiet is annotated eks-scheduler.io/exclude:"
                + " \"true\"",
            "excluded: Deployment shop/api: annotated eks-scheduler.io/exclude: \"true\""),
        d.unchanged());
    assertEquals(List.of(), d.lines());
  }

  @Test
  void aWorkloadAsleepWithItsOriginalIsAlreadyAsleep() {
    SleepDecision d =
        decide(scope(), WAIT, deployment("shop/api", 0, Originals.ANNOTATION, replicas("r0", 3)));
    assertEquals(
        List.of("Deployment shop/api: already asleep (original recorded by run r0)"),
        d.unchanged());
    assertEquals(List.of(), d.lines());
    assertEquals(SleepDecision.Verdict.ALREADY_ASLEEP, d.waves().get(0).get(0).verdict());
  }

  @Test
  void aRecordedOriginalIsKeptNotOverwritten() {
    SleepDecision d =
        decide(scope(), WAIT, deployment("shop/api", 2, Originals.ANNOTATION, replicas("r0", 3)));
    assertEquals(
        List.of(
            "wave 1: Deployment shop/api: replicas 2 -> 0 (original replicas 3 kept, recorded by"
                + " run r0)"),
        d.lines());
  }

  @Test
  void anUnreadableOriginalRefusesTheStepNamingTheWorkload() {
    SleepDecision d =
        decide(
            scope(),
            WAIT,
            deployment("shop/api", 2, Originals.ANNOTATION, "three"),
            deployment("shop/web", 2, Originals.ANNOTATION, "{\"v\":2}"));
    assertEquals(2, d.refused().size());
    ActionFailure e = assertThrows(ActionFailure.class, d::failIfRefused);
    assertEquals(
        "Deployment shop/api: annotation eks-scheduler.io/original is not JSON: three; fix or"
            + " remove it",
        e.getMessage());
  }

  @Test
  void anExcludedWorkloadsOriginalIsNotRead() {
    SleepDecision d =
        decide(
            scope(),
            WAIT,
            deployment("shop/api", 2, Originals.ANNOTATION, "three", Originals.EXCLUDE, "true"));
    assertEquals(List.of(), d.refused());
  }

  @Test
  void aWrongDependsOnAnnotationRefusesTheStep() {
    SleepDecision d =
        decide(scope(), WAIT, deployment("shop/api", 2, Originals.DEPENDS_ON, "a/b/c"));
    assertTrue(
        d.refused()
            .get(0)
            .startsWith("Deployment shop/api: annotation eks-scheduler.io/depends-on: "));
  }

  @Test
  void aCycleForbidsAnyChange() {
    SleepDecision d =
        decide(
            scope(),
            WAIT,
            deployment("shop/a", 1, Originals.DEPENDS_ON, "b"),
            deployment("shop/b", 1, Originals.DEPENDS_ON, "a"));
    assertTrue(d.cycle().isPresent());
    assertEquals(List.of(), d.waves());
    assertEquals(List.of(d.cycle().get() + "; the step would fail before any change"), d.lines());
  }

  @Test
  void workloadsOutsideTheStepsNamespacesAreNotLookedAt() {
    SleepScope only =
        new SleepScope(
            java.util.Set.of("shop"), java.util.Set.of(), java.util.Set.of(), Map.of(), false);
    SleepDecision d =
        decide(
            only,
            WAIT,
            deployment("shop/api", 1),
            deployment("other/x", 1, Originals.ANNOTATION, "bad"));
    assertEquals(List.of(List.of("Deployment shop/api")), d.ids());
    assertEquals(Optional.empty(), d.cycle());
    assertEquals(List.of(), d.refused());
  }
}
