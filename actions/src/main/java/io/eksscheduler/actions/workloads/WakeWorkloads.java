package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Parallel;
import io.eksscheduler.actions.originals.Originals.Original;
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
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Wakes what a stop put to sleep, in the dependency graph's order (the {@code dependencies.wake}
 * step): databases first, then each workload once everything it depends on is Ready. Each
 * Deployment or StatefulSet gets its recorded replicas back and the annotation {@code
 * eks-scheduler.io/original} removed in one patch (the original is in the ledger first), and each
 * wave's rollouts are Ready before the next wave starts. CronJobs and Jobs come last: those that
 * were not suspended before the stop are unsuspended, the others stay suspended.
 */
public final class WakeWorkloads implements Action<WakeWorkloads.Params> {
  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * Workloads of one wave patched at once: a wave of many Deployments starts in about the time of
   * one patch, not of all of them one after the other, within the client's request budget.
   */
  private static final int PATCHES_AT_ONCE = 10;

  /**
   * The parameters of {@code dependencies.wake}.
   *
   * @param namespaces only these namespaces (default all)
   * @param exclude namespaces left asleep besides the default exclusions, as the sleep's
   * @param includeSystem also wake kube-system and the namespaces of admission webhooks
   * @param labelSelector only workloads matching this selector
   * @param dependencies edges added to those of the annotations: "ns/name" to what it depends on
   * @param rolloutDeadline how long each wave's rollouts are waited for (default 10m)
   */
  public record Params(
      List<String> namespaces,
      SleepWorkloads.Exclude exclude,
      Boolean includeSystem,
      String labelSelector,
      Map<String, List<String>> dependencies,
      @AbsentIfUnparsable Duration rolloutDeadline) {

    Duration deadline() {
      return rolloutDeadline == null ? Duration.ofMinutes(10) : rolloutDeadline;
    }
  }

  @Override
  public String name() {
    return "dependencies.wake";
  }

  @Override
  public String description() {
    return "Wakes the workloads a stop put to sleep in dependency order: each wave's original"
        + " replicas restored and its rollouts Ready before the next; CronJobs and Jobs last,"
        + " unsuspended only if they were running before the stop.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/dependencies.wake.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("woken", ValueType.ARRAY, "the workloads restored, as \"Kind ns/name\""),
        new OutputSpec(
            "waves", ValueType.ARRAY, "the workloads wave by wave, in the order they woke", true));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    WakeDecision d = WakeDecision.decide(survey(params, ctx), params).failIfRefused();
    return new Plan(d.lines(), Map.of("woken", d.woken(), "waves", d.ids()))
        .withUnchanged(d.unchanged())
        .withEffects(d.effects());
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    WakeDecision d = WakeDecision.decide(survey(params, ctx), params).failIfRefused();
    ApiClient client = ctx.client(ApiClient.class);
    // Every original is in the ledger before the first change.
    for (List<WakeDecision.Entry> wave : d.waves()) {
      for (WakeDecision.Entry e : wave) {
        OriginalsProtocol.record(
            ctx.ledger(), new WorkloadSubject(e.workload(), ctx, client), e.original());
      }
    }
    for (int i = 0; i < d.waves().size(); i++) {
      List<WakeDecision.Entry> wave = d.waves().get(i);
      Parallel.forEach(
          "wake-" + ctx.stepId(),
          PATCHES_AT_ONCE,
          wave,
          e -> {
            if (!e.awake()) {
              wake(ctx, client, e);
            }
            if (e.workload().kind() == Workload.Kind.DEPLOYMENT) {
              ReplicaSetOriginals.remove(
                  ctx, client, e.workload().namespace(), e.workload().name());
            }
          });
      awaitReady(ctx, client, wave, params.deadline());
      List<String> names = new ArrayList<>();
      wave.forEach(e -> names.add(e.workload().id()));
      ctx.log("wave " + (i + 1) + " awake: " + String.join(", ", names));
    }
    return Outputs.of("woken", d.woken(), "waves", d.ids());
  }

  /**
   * Reads the scope, the workloads, and the originals this step's ledger holds for those in scope
   * (a resume's: the annotation may be gone after a crash between the patch and the next step).
   */
  private static WakeDecision.Survey survey(Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    SleepScope scope =
        SleepSurvey.scope(
            ctx, client, params.namespaces(), params.exclude(), params.includeSystem(), false);
    List<Workload> all = SleepSurvey.listWorkloads(ctx, client, params.labelSelector());
    Map<String, Original> ledger = new HashMap<>();
    for (Workload w : all) {
      if (scope.inScope(w.namespace()) && scope.exclusion(w).isEmpty()) {
        ctx.ledger()
            .get(w.ledgerKey(), Original.class)
            .ifPresent(o -> ledger.put(w.ledgerKey(), o));
      }
    }
    return new WakeDecision.Survey(scope, all, ledger);
  }

  /** Restores {@code e}'s original and removes the annotation, in one merge patch. */
  private static void wake(ActionContext ctx, ApiClient client, WakeDecision.Entry e)
      throws ActionFailure, InterruptedException {
    WorkloadSubject s = new WorkloadSubject(e.workload(), ctx, client);
    try {
      s.restoreAndClear(e.original());
      ctx.changed();
      ctx.log(e.workload().id() + ": " + e.change());
    } catch (ActionFailure failure) {
      if (s.gone(failure)) {
        ctx.log(e.workload().id() + ": deleted since the stop; nothing to wake");
        return;
      }
      throw failure;
    }
  }

  /**
   * Waits until each scaled workload of the wave has all its replicas Ready and up to date. Each
   * poll lists the Deployments or StatefulSets of a namespace once, however many of the wave's are
   * there (a wave of the 100-node scenario holds 56 Deployments), and a workload once Ready, or
   * gone, is not looked at again.
   */
  private static void awaitReady(
      ActionContext ctx, ApiClient client, List<WakeDecision.Entry> wave, Duration deadline)
      throws ActionFailure, InterruptedException {
    AppsV1Api apps = new AppsV1Api(client);
    List<Workload> waiting = new ArrayList<>();
    wave.stream()
        .map(WakeDecision.Entry::workload)
        .filter(w -> w.kind().scales())
        .forEach(waiting::add);
    Poll.within(ctx, deadline, POLL)
        .until(
            () -> {
              Map<String, List<Workload>> byList = new TreeMap<>();
              for (Workload w : waiting) {
                byList
                    .computeIfAbsent(w.kind().label + " " + w.namespace(), k -> new ArrayList<>())
                    .add(w);
              }
              List<Workload> still = new ArrayList<>();
              List<String> pending = new ArrayList<>();
              for (List<Workload> group : byList.values()) {
                Map<String, String> why = notReady(ctx, apps, group.get(0));
                for (Workload w : group) {
                  if (why.containsKey(w.name())) {
                    still.add(w);
                    pending.add(w.id() + " " + why.get(w.name()));
                  }
                }
              }
              waiting.clear();
              waiting.addAll(still);
              return pending.isEmpty()
                  ? Poll.Round.<Void, String>ready(null)
                  : Poll.Round.<Void, String>waiting(String.join(", ", pending));
            },
            pending -> "waiting for " + pending,
            pending ->
                new ActionFailure(
                    "rollouts not Ready after " + Durations.format(deadline) + ": " + pending,
                    true));
  }

  /**
   * Why each workload of {@code w}'s kind in {@code w}'s namespace is not Ready yet ("1/2 Ready"),
   * by name; one that is Ready is not in the map.
   */
  private static Map<String, String> notReady(ActionContext ctx, AppsV1Api apps, Workload w)
      throws ActionFailure, InterruptedException {
    String ns = w.namespace();
    Map<String, String> out = new LinkedHashMap<>();
    if (w.kind() == Workload.Kind.DEPLOYMENT) {
      List<V1Deployment> items =
          KubeCalls.call(
                  ctx,
                  "listing the Deployments of " + ns,
                  () -> apps.listNamespacedDeployment(ns).execute())
              .getItems();
      for (V1Deployment d : items) {
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        var st = d.getStatus();
        int ready = st == null || st.getReadyReplicas() == null ? 0 : st.getReadyReplicas();
        int updated = st == null || st.getUpdatedReplicas() == null ? 0 : st.getUpdatedReplicas();
        long observed =
            st == null || st.getObservedGeneration() == null ? 0 : st.getObservedGeneration();
        if (observed < d.getMetadata().getGeneration() || ready < want || updated < want) {
          out.put(d.getMetadata().getName(), ready + "/" + want + " Ready");
        }
      }
      return out;
    }
    List<V1StatefulSet> items =
        KubeCalls.call(
                ctx,
                "listing the StatefulSets of " + ns,
                () -> apps.listNamespacedStatefulSet(ns).execute())
            .getItems();
    for (V1StatefulSet s : items) {
      int want = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
      var st = s.getStatus();
      int ready = st == null || st.getReadyReplicas() == null ? 0 : st.getReadyReplicas();
      long observed =
          st == null || st.getObservedGeneration() == null ? 0 : st.getObservedGeneration();
      if (observed < s.getMetadata().getGeneration() || ready < want) {
        out.put(s.getMetadata().getName(), ready + "/" + want + " Ready");
      }
    }
    return out;
  }
}
