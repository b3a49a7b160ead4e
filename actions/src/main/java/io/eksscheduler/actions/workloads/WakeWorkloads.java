package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Parallel;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
      String rolloutDeadline) {

    Duration deadline() {
      return rolloutDeadline == null
          ? Duration.ofMinutes(10)
          : Durations.parse(rolloutDeadline).orElse(Duration.ofMinutes(10));
    }
  }

  /** A workload to wake, with the original to restore. */
  private record Sleeper(Workload workload, Original original) {
    boolean awake() {
      Workload w = workload;
      boolean value =
          w.kind().scales()
              ? w.replicas() != null && w.replicas().equals(original.replicas())
              : w.suspend() == Boolean.TRUE.equals(original.suspend());
      return value && !w.annotations().containsKey(Originals.ANNOTATION);
    }

    String change() {
      Workload w = workload;
      return w.kind().scales()
          ? "replicas " + w.replicas() + " -> " + original.replicas()
          : "suspend " + w.suspend() + " -> " + original.suspend();
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
            "waves", ValueType.ARRAY, "the workloads wave by wave, in the order they woke"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    List<List<Sleeper>> waves = survey(params, ctx);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      for (Sleeper s : waves.get(i)) {
        lines.add(
            "wave "
                + (i + 1)
                + ": "
                + s.workload().id()
                + ": "
                + (s.awake() ? "already awake" : s.change() + ", annotation removed"));
      }
    }
    return new Plan(lines, Map.of("woken", woken(waves), "waves", ids(waves)));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    List<List<Sleeper>> waves = survey(params, ctx);
    for (List<Sleeper> wave : waves) {
      for (Sleeper s : wave) {
        if (ctx.ledger().get(s.workload().ledgerKey(), Original.class).isEmpty()) {
          ctx.ledger().put(s.workload().ledgerKey(), s.original());
        }
      }
    }
    ApiClient client = ctx.client(ApiClient.class);
    for (int i = 0; i < waves.size(); i++) {
      List<Sleeper> wave = waves.get(i);
      Parallel.forEach(
          "wake-" + ctx.stepId(),
          PATCHES_AT_ONCE,
          wave,
          s -> {
            if (!s.awake()) {
              wake(ctx, client, s);
            }
            if (s.workload().kind() == Workload.Kind.DEPLOYMENT) {
              ReplicaSetOriginals.remove(
                  ctx, client, s.workload().namespace(), s.workload().name());
            }
          });
      awaitReady(ctx, client, wave, params.deadline());
      List<String> names = new ArrayList<>();
      wave.forEach(s -> names.add(s.workload().id()));
      ctx.log("wave " + (i + 1) + " awake: " + String.join(", ", names));
    }
    return Outputs.of("woken", woken(waves), "waves", ids(waves));
  }

  private static List<List<Sleeper>> survey(Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    SleepScope scope =
        SleepSurvey.scope(
            ctx, client, params.namespaces(), params.exclude(), params.includeSystem(), false);
    List<Workload> all = SleepSurvey.listWorkloads(ctx, client, params.labelSelector());
    Map<WorkloadGraph.Ref, Set<WorkloadGraph.Ref>> edges = new LinkedHashMap<>();
    List<Sleeper> scaled = new ArrayList<>();
    List<Sleeper> last = new ArrayList<>();
    for (Workload w : all) {
      if (!scope.inScope(w.namespace())) {
        continue;
      }
      if (w.kind().scales()) {
        edges.computeIfAbsent(w.ref(), k -> new LinkedHashSet<>()).addAll(SleepSurvey.dependsOn(w));
      }
      if (scope.exclusion(w).isPresent()) {
        continue; // outside the sleep's scope: not ours (the autoscaler steps own kube-system's)
      }
      Optional<Original> original = original(ctx, w);
      if (original.isEmpty()) {
        continue;
      }
      (w.kind().scales() ? scaled : last).add(new Sleeper(w, original.get()));
    }
    SleepSurvey.addParamEdges(params.dependencies(), edges);
    List<WorkloadGraph.Ref> refs = new ArrayList<>();
    Map<WorkloadGraph.Ref, List<Sleeper>> byRef = new LinkedHashMap<>();
    for (Sleeper s : scaled) {
      if (!byRef.containsKey(s.workload().ref())) {
        refs.add(s.workload().ref());
      }
      byRef.computeIfAbsent(s.workload().ref(), k -> new ArrayList<>()).add(s);
    }
    WorkloadGraph graph = new WorkloadGraph(refs, edges);
    Optional<List<WorkloadGraph.Ref>> cycle = graph.cycle();
    if (cycle.isPresent()) {
      throw new ActionFailure(WorkloadGraph.describe(cycle.get()) + "; nothing was changed", false);
    }
    List<List<Sleeper>> waves = new ArrayList<>();
    for (List<WorkloadGraph.Ref> wave : graph.wakeWaves()) {
      List<Sleeper> ws = new ArrayList<>();
      wave.forEach(r -> ws.addAll(byRef.get(r)));
      waves.add(List.copyOf(ws));
    }
    if (!last.isEmpty()) {
      waves.add(List.copyOf(last));
    }
    return List.copyOf(waves);
  }

  /**
   * What {@code w} goes back to: this run's ledger first (the annotation may be gone after a crash
   * between the patch and the next step), else the annotation the stop wrote.
   */
  private static Optional<Original> original(ActionContext ctx, Workload w) throws ActionFailure {
    Optional<Original> ledger = ctx.ledger().get(w.ledgerKey(), Original.class);
    if (ledger.isPresent()) {
      return ledger;
    }
    try {
      return w.recorded();
    } catch (IllegalArgumentException e) {
      throw new ActionFailure(e.getMessage(), false);
    }
  }

  /** One merge patch: the original value back and the annotation removed. */
  private static void wake(ActionContext ctx, ApiClient client, Sleeper s)
      throws ActionFailure, InterruptedException {
    Workload w = s.workload();
    String value =
        w.kind().scales()
            ? "\"replicas\":" + s.original().replicas()
            : "\"suspend\":" + s.original().suspend();
    String patch =
        "{\"metadata\":{\"annotations\":{\""
            + Originals.ANNOTATION
            + "\":null}},\"spec\":{"
            + value
            + "}}";
    try {
      SleepWorkloads.patch(ctx, client, w, patch, "waking " + w.id());
      ctx.changed();
      ctx.log(w.id() + ": " + s.change());
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ApiException api && api.getCode() == 404) {
        ctx.log(w.id() + ": deleted since the stop; nothing to wake");
        return;
      }
      throw e;
    }
  }

  /**
   * Waits until each scaled workload of the wave has all its replicas Ready and up to date. Each
   * poll lists the Deployments or StatefulSets of a namespace once, however many of the wave's are
   * there (a wave of the 100-node scenario holds 56 Deployments), and a workload once Ready, or
   * gone, is not looked at again.
   */
  private static void awaitReady(
      ActionContext ctx, ApiClient client, List<Sleeper> wave, Duration deadline)
      throws ActionFailure, InterruptedException {
    AppsV1Api apps = new AppsV1Api(client);
    Instant until = ctx.clock().instant().plus(deadline);
    List<Workload> waiting = new ArrayList<>();
    wave.stream().map(Sleeper::workload).filter(w -> w.kind().scales()).forEach(waiting::add);
    while (true) {
      Map<String, List<Workload>> byList = new TreeMap<>();
      for (Workload w : waiting) {
        byList.computeIfAbsent(w.kind().label + " " + w.namespace(), k -> new ArrayList<>()).add(w);
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
      waiting = still;
      if (pending.isEmpty()) {
        return;
      }
      if (!ctx.clock().instant().isBefore(until)) {
        throw new ActionFailure(
            "rollouts not Ready after "
                + Durations.format(deadline)
                + ": "
                + String.join(", ", pending),
            true);
      }
      ctx.progress("waiting for " + String.join(", ", pending));
      ctx.sleeper().sleep(POLL);
    }
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

  private static List<String> woken(List<List<Sleeper>> waves) {
    List<String> out = new ArrayList<>();
    waves.forEach(w -> w.forEach(s -> out.add(s.workload().id())));
    return out;
  }

  private static List<List<String>> ids(List<List<Sleeper>> waves) {
    List<List<String>> out = new ArrayList<>();
    for (List<Sleeper> w : waves) {
      List<String> names = new ArrayList<>();
      w.forEach(s -> names.add(s.workload().id()));
      out.add(names);
    }
    return out;
  }
}
