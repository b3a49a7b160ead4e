package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Names;
import io.eksscheduler.actions.kube.Selectors;
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
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  private static final int CONFLICT_ATTEMPTS = 5;

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
      String jobs,
      String jobDeadline) {

    boolean suspendJobs() {
      return "suspend".equals(jobs);
    }

    Duration jobDeadlineOrDefault() {
      return jobDeadline == null
          ? Duration.ofMinutes(10)
          : Durations.parse(jobDeadline).orElse(Duration.ofMinutes(10));
    }
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
            "waves", ValueType.ARRAY, "the workloads wave by wave, in the order they were slept"),
        new OutputSpec("excluded", ValueType.ARRAY, "the workloads left running, each with why"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    SleepSurvey.Result s = SleepSurvey.take(params, ctx);
    List<String> changes = new ArrayList<>();
    if (s.cycle().isPresent()) {
      changes.add(s.cycle().get() + "; the step would fail before any change");
      return Plan.of(changes);
    }
    for (int i = 0; i < s.waves().size(); i++) {
      for (Workload w : s.waves().get(i)) {
        changes.add("wave " + (i + 1) + ": " + w.id() + ": " + planned(w, params));
      }
    }
    s.excluded().forEach(e -> changes.add("excluded: " + e));
    return new Plan(
        changes, Map.of("slept", slept(s, params), "waves", ids(s), "excluded", s.excluded()));
  }

  private static String planned(Workload w, Params params) {
    Optional<Original> recorded = w.recorded();
    if (w.kind() == Workload.Kind.JOB && !params.suspendJobs()) {
      return "wait up to " + Durations.format(params.jobDeadlineOrDefault()) + " for it to finish";
    }
    if (recorded.isPresent() && w.asleep()) {
      return "already asleep (original recorded by run " + recorded.get().run() + ")";
    }
    if (recorded.isPresent()) {
      return w.change()
          + " (original "
          + recorded.get().value()
          + " kept, recorded by run "
          + recorded.get().run()
          + ")";
    }
    return w.change();
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    SleepSurvey.Result s = SleepSurvey.take(params, ctx);
    if (s.cycle().isPresent()) {
      throw new ActionFailure(s.cycle().get() + "; nothing was changed", false);
    }
    ApiClient client = ctx.client(ApiClient.class);
    for (int i = 0; i < s.waves().size(); i++) {
      List<Workload> wave = s.waves().get(i);
      List<Workload> waitFor = new ArrayList<>();
      List<Workload> podsOf = new ArrayList<>();
      for (Workload w : wave) {
        if (w.kind() == Workload.Kind.JOB && !params.suspendJobs()) {
          waitFor.add(w);
          continue;
        }
        sleep(ctx, client, w);
        if (w.selector() != null) {
          podsOf.add(w);
        }
      }
      awaitJobs(ctx, new BatchV1Api(client), waitFor, params.jobDeadlineOrDefault());
      awaitPodsGone(ctx, new CoreV1Api(client), podsOf);
      List<String> names = new ArrayList<>();
      wave.forEach(w -> names.add(w.id()));
      ctx.log("wave " + (i + 1) + " asleep: " + String.join(", ", names));
    }
    s.excluded().forEach(e -> ctx.log("left running: " + e));
    return Outputs.of("slept", slept(s, params), "waves", ids(s), "excluded", s.excluded());
  }

  /**
   * Records the original, then sets the annotation and puts the workload to sleep in one merge
   * patch, so the object is never asleep without its original. A workload already asleep with an
   * original is left as it is: an existing original is never overwritten.
   */
  private static void sleep(ActionContext ctx, ApiClient client, Workload found)
      throws ActionFailure, InterruptedException {
    Workload w = found;
    for (int attempt = 1; ; attempt++) {
      Optional<Original> ledger = ctx.ledger().get(w.ledgerKey(), Original.class);
      Optional<Original> annotated = recorded(w);
      if (w.asleep()
          && annotated.isPresent()
          && (ledger.isEmpty() || ledger.get().equals(annotated.get()))) {
        return;
      }
      // The ledger wins over the annotation, which wins over what runs now.
      Original original =
          ledger.isPresent() ? ledger.get() : annotated.orElse(w.current(ctx.runId()));
      boolean wrote = ledger.isEmpty();
      if (wrote) {
        ctx.ledger().put(w.ledgerKey(), original);
      }
      try {
        patch(
            ctx,
            client,
            w,
            Originals.sleepPatch(original, w.meta().getResourceVersion()),
            "putting " + w.id() + " to sleep");
        ctx.changed();
        return;
      } catch (ActionFailure e) {
        int code = e.getCause() instanceof ApiException api ? api.getCode() : -1;
        if (code == 404) {
          return; // deleted meanwhile: nothing left to put to sleep
        }
        if (code != 409 || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        // Changed since it was read: what was recorded from that read may be stale.
        if (wrote) {
          ctx.ledger().remove(w.ledgerKey());
        }
        Optional<Workload> now = read(ctx, client, w);
        if (now.isEmpty()) {
          return;
        }
        w = now.get();
      }
    }
  }

  private static Optional<Original> recorded(Workload w) throws ActionFailure {
    try {
      return w.recorded();
    } catch (IllegalArgumentException e) {
      throw new ActionFailure(e.getMessage(), false);
    }
  }

  /** Applies the JSON merge patch {@code body} to {@code w}; {@code what} names the call. */
  static void patch(ActionContext ctx, ApiClient client, Workload w, String body, String what)
      throws ActionFailure, InterruptedException {
    AppsV1Api apps = new AppsV1Api(client);
    BatchV1Api batch = new BatchV1Api(client);
    V1Patch patch = new V1Patch(body);
    String name = w.name();
    String ns = w.namespace();
    String merge = V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH;
    KubeCalls.call(
        ctx,
        what,
        () ->
            switch (w.kind()) {
              case DEPLOYMENT ->
                  PatchUtils.patch(
                      V1Deployment.class,
                      () -> apps.patchNamespacedDeployment(name, ns, patch).buildCall(null),
                      merge,
                      client);
              case STATEFULSET ->
                  PatchUtils.patch(
                      V1StatefulSet.class,
                      () -> apps.patchNamespacedStatefulSet(name, ns, patch).buildCall(null),
                      merge,
                      client);
              case CRONJOB ->
                  PatchUtils.patch(
                      V1CronJob.class,
                      () -> batch.patchNamespacedCronJob(name, ns, patch).buildCall(null),
                      merge,
                      client);
              case JOB ->
                  PatchUtils.patch(
                      V1Job.class,
                      () -> batch.patchNamespacedJob(name, ns, patch).buildCall(null),
                      merge,
                      client);
            });
  }

  private static Optional<Workload> read(ActionContext ctx, ApiClient client, Workload w)
      throws ActionFailure, InterruptedException {
    AppsV1Api apps = new AppsV1Api(client);
    BatchV1Api batch = new BatchV1Api(client);
    String ns = w.namespace();
    // Listed by name, not read with a get: the step needs only the list verb it uses anyway.
    String field = "metadata.name=" + w.name();
    List<Workload> found =
        KubeCalls.call(
            ctx,
            "reading " + w.id(),
            () ->
                switch (w.kind()) {
                  case DEPLOYMENT ->
                      apps
                          .listNamespacedDeployment(ns)
                          .fieldSelector(field)
                          .execute()
                          .getItems()
                          .stream()
                          .map(Workload::of)
                          .toList();
                  case STATEFULSET ->
                      apps
                          .listNamespacedStatefulSet(ns)
                          .fieldSelector(field)
                          .execute()
                          .getItems()
                          .stream()
                          .map(Workload::of)
                          .toList();
                  case CRONJOB ->
                      batch
                          .listNamespacedCronJob(ns)
                          .fieldSelector(field)
                          .execute()
                          .getItems()
                          .stream()
                          .map(Workload::of)
                          .toList();
                  case JOB ->
                      batch.listNamespacedJob(ns).fieldSelector(field).execute().getItems().stream()
                          .map(Workload::of)
                          .toList();
                });
    return found.stream().findFirst();
  }

  /** Waits until each Job has finished, been suspended or deleted; fails naming those that run. */
  private static void awaitJobs(
      ActionContext ctx, BatchV1Api batch, List<Workload> jobs, Duration deadline)
      throws ActionFailure, InterruptedException {
    Instant until = ctx.clock().instant().plus(deadline);
    List<Workload> running = new ArrayList<>(jobs);
    while (!running.isEmpty()) {
      List<Workload> still = new ArrayList<>();
      for (Workload j : running) {
        Optional<Workload> now = read(ctx, batch.getApiClient(), j);
        if (now.isPresent() && !now.get().finished() && !now.get().suspend()) {
          still.add(now.get());
        }
      }
      running = still;
      if (running.isEmpty()) {
        return;
      }
      List<String> names = new ArrayList<>();
      running.forEach(j -> names.add(j.namespace() + "/" + j.name()));
      if (!ctx.clock().instant().isBefore(until)) {
        throw new ActionFailure(
            "Jobs still running after "
                + Durations.format(deadline)
                + ": "
                + String.join(", ", names)
                + "; raise jobDeadline, or set jobs: suspend to suspend them",
            true);
      }
      ctx.progress("waiting for Jobs to finish: " + String.join(", ", names));
      ctx.sleeper().sleep(POLL);
    }
  }

  /**
   * Waits until no pod of these workloads runs any more (finished Job pods do not count), for the
   * longest grace period among them plus two minutes; one list per namespace per poll.
   */
  private static void awaitPodsGone(ActionContext ctx, CoreV1Api core, List<Workload> workloads)
      throws ActionFailure, InterruptedException {
    Map<String, List<Workload>> byNamespace = new LinkedHashMap<>();
    workloads.forEach(
        w -> byNamespace.computeIfAbsent(w.namespace(), k -> new ArrayList<>()).add(w));
    Instant start = ctx.clock().instant();
    long longestGrace = 30;
    while (true) {
      List<String> remaining = new ArrayList<>();
      for (Map.Entry<String, List<Workload>> e : byNamespace.entrySet()) {
        String ns = e.getKey();
        List<V1Pod> pods =
            KubeCalls.call(ctx, "listing pods in " + ns, () -> core.listNamespacedPod(ns).execute())
                .getItems();
        for (V1Pod pod : pods) {
          String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
          if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            continue;
          }
          for (Workload w : e.getValue()) {
            if (Selectors.matches(w.selector(), pod.getMetadata().getLabels())) {
              remaining.add(Names.of(pod.getMetadata()) + " (" + w.id() + ")");
              Long grace =
                  pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
              longestGrace = Math.max(longestGrace, grace == null ? 30 : grace);
              break;
            }
          }
        }
      }
      if (remaining.isEmpty()) {
        return;
      }
      Duration timeout = Duration.ofSeconds(longestGrace).plusMinutes(2);
      if (ctx.clock().instant().isAfter(start.plus(timeout))) {
        throw new ActionFailure(
            "pods still present after "
                + Durations.format(timeout)
                + ": "
                + String.join(", ", remaining),
            true);
      }
      ctx.progress(remaining.size() + " pods terminating");
      ctx.sleeper().sleep(POLL);
    }
  }

  private static List<String> slept(SleepSurvey.Result s, Params params) {
    List<String> out = new ArrayList<>();
    for (List<Workload> wave : s.waves()) {
      for (Workload w : wave) {
        if (w.kind() != Workload.Kind.JOB || params.suspendJobs()) {
          out.add(w.id());
        }
      }
    }
    return out;
  }

  private static List<List<String>> ids(SleepSurvey.Result s) {
    List<List<String>> out = new ArrayList<>();
    for (List<Workload> wave : s.waves()) {
      List<String> names = new ArrayList<>();
      wave.forEach(w -> names.add(w.id()));
      out.add(names);
    }
    return out;
  }
}
