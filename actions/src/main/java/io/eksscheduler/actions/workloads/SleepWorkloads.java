package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.PodsGone;
import io.eksscheduler.actions.originals.OriginalsProtocol;
import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.Poll;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts workloads to sleep for a hibernation: scales Deployments and StatefulSets to 0, suspends
 * CronJobs, and waits for running Jobs to finish (or suspends them), dependents first and databases
 * last, wave by wave, each wave's pods gone before the next starts. Each original is recorded in
 * the ledger and on the object (annotation {@code eks-scheduler.io/original}) before the change,
 * and never overwritten, so a wake restores exactly what was there.
 */
public final class SleepWorkloads implements Action<SleepWorkloads.Params> {
  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * The parameters of {@code workloads.sleep}.
   *
   * @param namespaces the namespaces to put to sleep (default all)
   * @param exclude namespaces left running, in addition to the default exclusions
   * @param labelSelector only workloads whose labels match ("k=v,...")
   * @param includeSystem also kube-system and the namespaces of admission webhooks (default false)
   * @param dependencies more edges of the dependency graph: {"ns/app": ["ns/db"]}
   * @param jobs running Jobs: wait (default) or suspend
   * @param jobDeadline how long running Jobs are waited for under wait (default 10m)
   */
  public record Params(
      List<String> namespaces,
      Exclude exclude,
      String labelSelector,
      Boolean includeSystem,
      Map<String, List<String>> dependencies,
      @AbsentIfUnparsable Jobs jobs,
      @AbsentIfUnparsable Duration jobDeadline) {

    boolean suspendJobs() {
      return jobs == Jobs.SUSPEND;
    }

    Duration jobDeadlineOrDefault() {
      return jobDeadline == null ? Duration.ofMinutes(10) : jobDeadline;
    }
  }

  /** What a sleep does with running Jobs. */
  public enum Jobs {
    /** Wait until they finish, up to jobDeadline (the default). */
    WAIT,
    /** Suspend them. */
    SUSPEND
  }

  /**
   * What the step leaves running besides the default exclusions.
   *
   * @param namespaces namespaces left running
   */
  public record Exclude(List<String> namespaces) {}

  @Override
  public String name() {
    return "workloads.sleep";
  }

  @Override
  public String description() {
    return "Scales Deployments and StatefulSets to 0 and suspends CronJobs and Jobs, dependents"
        + " first, recording each original in the ledger and on the object before changing it.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/workloads.sleep.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("slept", ValueType.ARRAY, "the workloads asleep, as \"Kind ns/name\""),
        new OutputSpec(
            "waves",
            ValueType.ARRAY,
            "the workloads wave by wave, in the order they were slept",
            true),
        new OutputSpec("excluded", ValueType.ARRAY, "the workloads left running, each with why"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    SleepDecision d = SleepDecision.decide(SleepSurvey.read(params, ctx), params).failIfRefused();
    if (d.cycle().isPresent()) {
      return Plan.of(d.lines());
    }
    return new Plan(
            d.lines(), Map.of("slept", d.slept(), "waves", d.ids(), "excluded", d.excluded()))
        .withUnchanged(d.unchanged())
        .withInexact(d.inexact())
        .withEffects(d.effects(ctx.runId()));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    SleepDecision d = SleepDecision.decide(SleepSurvey.read(params, ctx), params).failIfRefused();
    if (d.cycle().isPresent()) {
      throw new ActionFailure(d.cycle().get() + "; nothing was changed", false);
    }
    ApiClient client = ctx.client(ApiClient.class);
    for (int i = 0; i < d.waves().size(); i++) {
      List<SleepDecision.Entry> wave = d.waves().get(i);
      List<Workload> waitFor = new ArrayList<>();
      List<Workload> podsOf = new ArrayList<>();
      for (SleepDecision.Entry e : wave) {
        Workload w = e.workload();
        if (e.verdict() == SleepDecision.Verdict.WAIT_FOR_JOB) {
          waitFor.add(w);
          continue;
        }
        // Asleep already or not, the protocol looks again: the ledger may say otherwise.
        OriginalsProtocol.stop(ctx, new WorkloadSubject(w, ctx, client));
        if (w.selector() != null) {
          podsOf.add(w);
        }
      }
      awaitJobs(ctx, client, waitFor, params.jobDeadlineOrDefault());
      PodsGone.await(
          ctx,
          new CoreV1Api(client),
          podsOf.stream()
              .map(w -> new PodsGone.Owner(w.namespace(), w.selector(), w.id()))
              .toList());
      List<String> names = new ArrayList<>();
      wave.forEach(e -> names.add(e.workload().id()));
      ctx.log("wave " + (i + 1) + " asleep: " + String.join(", ", names));
    }
    d.excluded().forEach(e -> ctx.log("left running: " + e));
    return Outputs.of("slept", d.slept(), "waves", d.ids(), "excluded", d.excluded());
  }

  /** Waits until each Job has finished, been suspended or deleted; fails naming those that run. */
  private static void awaitJobs(
      ActionContext ctx, ApiClient client, List<Workload> jobs, Duration deadline)
      throws ActionFailure, InterruptedException {
    List<Workload> running = new ArrayList<>(jobs);
    Poll.within(ctx, deadline, POLL)
        .until(
            () -> {
              List<Workload> still = new ArrayList<>();
              for (Workload j : running) {
                Optional<Workload> now = WorkloadCalls.read(ctx, client, j);
                if (now.isPresent() && !now.get().finished() && !now.get().suspend()) {
                  still.add(now.get());
                }
              }
              running.clear();
              running.addAll(still);
              if (running.isEmpty()) {
                return Poll.Round.<Void, String>ready(null);
              }
              List<String> names = new ArrayList<>();
              running.forEach(j -> names.add(j.namespace() + "/" + j.name()));
              return Poll.Round.waiting(String.join(", ", names));
            },
            names -> "waiting for Jobs to finish: " + names,
            names ->
                new ActionFailure(
                    "Jobs still running after "
                        + Durations.format(deadline)
                        + ": "
                        + names
                        + "; raise jobDeadline, or set jobs: suspend to suspend them",
                    true));
  }
}
