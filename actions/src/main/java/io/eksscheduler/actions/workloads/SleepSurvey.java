package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.ClusterView;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1Namespace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads what {@code workloads.sleep} works on, before anything changes: the scope (namespaces
 * annotated to be left running, the namespaces of admission webhooks) and every workload matching
 * the selector. Read-only; {@link SleepDecision} decides from it, {@code dependencies.wake} and
 * {@code cluster.status} read through it too.
 */
public final class SleepSurvey {

  /**
   * What the survey found.
   *
   * @param scope the namespaces looked at and those left running
   * @param workloads every workload matching the step's selector, sorted
   */
  record Found(SleepScope scope, List<Workload> workloads) {}

  /**
   * What a sleep would do, for {@code cluster.verify}.
   *
   * @param workloads how many workloads it would put to sleep
   * @param excluded the workloads left running, as "Kind ns/name: why"
   * @param cycle the dependency cycle that forbids any change, if any
   */
  public record Result(int workloads, List<String> excluded, Optional<String> cycle) {}

  private static final Comparator<Workload> ORDER =
      Comparator.comparing(Workload::namespace)
          .thenComparing(Workload::name)
          .thenComparing(Workload::kind);

  private SleepSurvey() {}

  /**
   * What a sleep under {@code params} would do, decided on a fresh survey.
   *
   * @throws ActionFailure when the decision refuses the step (an unreadable original, a wrong
   *     dependency)
   */
  public static Result take(SleepWorkloads.Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    SleepDecision d = SleepDecision.decide(read(params, ctx), params).failIfRefused();
    return new Result(d.workloads().stream().mapToInt(List::size).sum(), d.excluded(), d.cycle());
  }

  /** Reads the scope and the workloads of a sleep under {@code params}. */
  static Found read(SleepWorkloads.Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    SleepScope scope =
        scope(ctx, client, params.namespaces(), params.exclude(), params.includeSystem(), true);
    return new Found(scope, listWorkloads(ctx, client, params.labelSelector()));
  }

  /**
   * The scope of a sleep, or of the wake that mirrors it: the namespaces named (all when null), the
   * step's exclusions, and the default ones (kube-system and the namespaces of admission webhooks)
   * unless {@code includeSystem}; namespaces annotated {@code eks-scheduler.io/exclude} only when
   * {@code honourNamespaceAnnotations} (a wake wakes what was put to sleep, even if a namespace was
   * annotated since).
   */
  static SleepScope scope(
      ActionContext ctx,
      ApiClient client,
      List<String> namespaces,
      SleepWorkloads.Exclude exclude,
      Boolean includeSystem,
      boolean honourNamespaceAnnotations)
      throws ActionFailure, InterruptedException {
    boolean system = Boolean.TRUE.equals(includeSystem);
    return new SleepScope(
        Set.copyOf(namespaces == null ? List.of() : namespaces),
        Set.copyOf(
            exclude == null || exclude.namespaces() == null ? List.of() : exclude.namespaces()),
        honourNamespaceAnnotations ? annotatedNamespaces(ctx, new CoreV1Api(client)) : Set.of(),
        system ? Map.of() : webhookNamespaces(ctx, client),
        system);
  }

  private static Set<String> annotatedNamespaces(ActionContext ctx, CoreV1Api core)
      throws ActionFailure, InterruptedException {
    Set<String> out = new HashSet<>();
    for (V1Namespace ns :
        KubeCalls.call(ctx, "listing namespaces", () -> core.listNamespace().execute())
            .getItems()) {
      Map<String, String> a = ns.getMetadata().getAnnotations();
      if (a != null && "true".equalsIgnoreCase(a.get(Originals.EXCLUDE))) {
        out.add(ns.getMetadata().getName());
      }
    }
    return out;
  }

  /** Each namespace an admission webhook calls a Service in, with the configuration's name. */
  private static Map<String, String> webhookNamespaces(ActionContext ctx, ApiClient client)
      throws ActionFailure, InterruptedException {
    AdmissionregistrationV1Api api = new AdmissionregistrationV1Api(client);
    Map<String, String> out = new TreeMap<>();
    var validating =
        KubeCalls.call(
                ctx,
                "listing ValidatingWebhookConfigurations",
                () -> api.listValidatingWebhookConfiguration().execute())
            .getItems();
    for (var config : validating) {
      if (config.getWebhooks() != null) {
        config
            .getWebhooks()
            .forEach(h -> serviceNamespace(h.getClientConfig(), config.getMetadata(), out));
      }
    }
    var mutating =
        KubeCalls.call(
                ctx,
                "listing MutatingWebhookConfigurations",
                () -> api.listMutatingWebhookConfiguration().execute())
            .getItems();
    for (var config : mutating) {
      if (config.getWebhooks() != null) {
        config
            .getWebhooks()
            .forEach(h -> serviceNamespace(h.getClientConfig(), config.getMetadata(), out));
      }
    }
    return out;
  }

  private static void serviceNamespace(
      AdmissionregistrationV1WebhookClientConfig config,
      io.kubernetes.client.openapi.models.V1ObjectMeta owner,
      Map<String, String> out) {
    if (config != null && config.getService() != null) {
      out.putIfAbsent(config.getService().getNamespace(), owner.getName());
    }
  }

  /**
   * Every Deployment, StatefulSet, CronJob and Job matching {@code selector}, sorted, as the
   * earlier steps of a dry-run leave them.
   */
  static List<Workload> listWorkloads(ActionContext ctx, ApiClient client, String selector)
      throws ActionFailure, InterruptedException {
    ClusterView view = ClusterView.of(ctx);
    AppsV1Api apps = new AppsV1Api(client);
    BatchV1Api batch = new BatchV1Api(client);
    List<Workload> out = new ArrayList<>();
    out.addAll(
        pages(
            ctx,
            "listing Deployments",
            t ->
                apps.listDeploymentForAllNamespaces()
                    .labelSelector(selector)
                    .limit(500)
                    ._continue(t)
                    .execute(),
            l -> l.getItems().stream().map(view::workload).map(Workload::of).toList(),
            l -> l.getMetadata()));
    out.addAll(
        pages(
            ctx,
            "listing StatefulSets",
            t ->
                apps.listStatefulSetForAllNamespaces()
                    .labelSelector(selector)
                    .limit(500)
                    ._continue(t)
                    .execute(),
            l -> l.getItems().stream().map(view::workload).map(Workload::of).toList(),
            l -> l.getMetadata()));
    out.addAll(
        pages(
            ctx,
            "listing CronJobs",
            t ->
                batch
                    .listCronJobForAllNamespaces()
                    .labelSelector(selector)
                    .limit(500)
                    ._continue(t)
                    .execute(),
            l -> l.getItems().stream().map(view::workload).map(Workload::of).toList(),
            l -> l.getMetadata()));
    out.addAll(
        pages(
            ctx,
            "listing Jobs",
            t ->
                batch
                    .listJobForAllNamespaces()
                    .labelSelector(selector)
                    .limit(500)
                    ._continue(t)
                    .execute(),
            l -> l.getItems().stream().map(view::workload).map(Workload::of).toList(),
            l -> l.getMetadata()));
    out.sort(ORDER);
    return out;
  }

  /** One page of a list call, from a continue token (null for the first). */
  @FunctionalInterface
  private interface Page<L> {
    L fetch(String token) throws ApiException;
  }

  private static <L> List<Workload> pages(
      ActionContext ctx,
      String what,
      Page<L> page,
      Function<L, List<Workload>> items,
      Function<L, V1ListMeta> meta)
      throws ActionFailure, InterruptedException {
    List<Workload> out = new ArrayList<>();
    String next = null;
    do {
      String token = next;
      L list = KubeCalls.call(ctx, what, () -> page.fetch(token));
      out.addAll(items.apply(list));
      V1ListMeta m = meta.apply(list);
      next = m == null ? null : m.getContinue();
    } while (next != null && !next.isEmpty());
    return out;
  }
}
