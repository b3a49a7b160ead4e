package io.eksscheduler.actions.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.actions.kube.AnnotationPatch;
import io.eksscheduler.actions.kube.KubeCalls;
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
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Waits until every admission webhook can answer: its Service has a ready endpoint and, where its
 * {@code sideEffects} allow a dry-run, a server-side dry-run pod creation it intercepts comes back
 * answered by it; for the others, a TLS connection through the API server's service proxy. A
 * webhook that blocks its own recovery ({@code failurePolicy: Fail}, intercepting the creation of
 * its own pods, no ready endpoint) gets, when {@code relaxSelfBlocking} allows it, {@code
 * failurePolicy: Ignore} until its pods are Ready, then exactly its original again; the original is
 * in the ledger and in the annotation {@code eks-scheduler.io/original} first.
 */
public final class WaitForWebhooks implements Action<WaitForWebhooks.Params> {
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONFLICT_ATTEMPTS = 5;
  private static final String NUDGE = "eks-scheduler.io/nudge";

  /**
   * The parameters of {@code webhooks.wait}.
   *
   * @param relaxSelfBlocking let a self-blocking webhook fail open until its pods are Ready
   * @param configurations only these webhook configurations, by name (default all)
   * @param deadline how long to wait before failing, naming each unhealthy webhook (default 10m)
   */
  public record Params(Boolean relaxSelfBlocking, List<String> configurations, String deadline) {
    Duration deadlineOrDefault() {
      return deadline == null
          ? Duration.ofMinutes(10)
          : Durations.parse(deadline).orElse(Duration.ofMinutes(10));
    }

    boolean relax() {
      return Boolean.TRUE.equals(relaxSelfBlocking);
    }
  }

  /** What was found about one webhook. */
  private record Health(Webhook webhook, boolean ready, boolean selfBlocking, String why) {
    boolean healthy() {
      return why == null;
    }
  }

  @Override
  public String name() {
    return "webhooks.wait";
  }

  @Override
  public String description() {
    return "Waits until every admission webhook answers (ready endpoints, a live dry-run request"
        + " through it or a TLS connection); a self-blocking webhook may fail open until its pods"
        + " are Ready, then gets its original failurePolicy back.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/webhooks.wait.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("healthy", ValueType.ARRAY, "the webhooks found answering"),
        new OutputSpec(
            "relaxed", ValueType.ARRAY, "the self-blocking webhooks failed open for a while"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    List<String> lines = new ArrayList<>();
    List<String> healthy = new ArrayList<>();
    List<String> relaxed = new ArrayList<>();
    for (Health h : survey(params, ctx)) {
      if (h.healthy()) {
        healthy.add(h.webhook().id());
        lines.add(h.webhook().id() + ": answering");
      } else if (h.selfBlocking() && params.relax()) {
        relaxed.add(h.webhook().id());
        lines.add(
            h.webhook().id()
                + ": "
                + h.why()
                + "; self-blocking: failurePolicy Fail -> Ignore until its pods are Ready, then"
                + " Fail again");
      } else {
        lines.add(
            h.webhook().id()
                + ": "
                + h.why()
                + (h.selfBlocking()
                    ? "; self-blocking (relaxSelfBlocking: true would break it)"
                    : "")
                + "; would be waited for");
      }
    }
    return new Plan(lines, Map.of("healthy", healthy, "relaxed", relaxed));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    ApiClient client = ctx.client(ApiClient.class);
    Instant until = ctx.clock().instant().plus(params.deadlineOrDefault());
    List<String> relaxedEver = new ArrayList<>();
    while (true) {
      List<Health> found = survey(params, ctx);
      List<String> waiting = new ArrayList<>();
      for (Health h : found) {
        Webhook w = h.webhook();
        boolean relaxedByUs = ctx.ledger().get(w.ledgerKey(), String.class).isPresent();
        if (relaxedByUs && !relaxedEver.contains(w.id())) {
          relaxedEver.add(w.id());
        }
        if (relaxedByUs && h.ready() && "Ignore".equals(w.failurePolicy())) {
          restore(ctx, client, w);
          waiting.add(w.id() + ": original failurePolicy restored; checking it again");
        } else if (!h.healthy() && h.selfBlocking() && params.relax()) {
          relax(ctx, client, w);
          if (!relaxedEver.contains(w.id())) {
            relaxedEver.add(w.id());
          }
          waiting.add(w.id() + ": failing open until its pods are Ready");
        } else if (!h.healthy()) {
          waiting.add(
              w.id()
                  + ": "
                  + h.why()
                  + (h.selfBlocking()
                      ? " (self-blocking: it fails closed on the creation of its own pods;"
                          + " relaxSelfBlocking: true breaks the deadlock)"
                      : ""));
        } else if (relaxedByUs && "Ignore".equals(w.failurePolicy())) {
          waiting.add(w.id() + ": its pods are not Ready yet (failing open meanwhile)");
        }
      }
      if (waiting.isEmpty()) {
        clearNudges(ctx, client, found);
        List<String> healthy = new ArrayList<>();
        found.forEach(h -> healthy.add(h.webhook().id()));
        relaxedEver.forEach(id -> ctx.log("relaxed, then restored: " + id));
        return Outputs.of("healthy", healthy, "relaxed", relaxedEver);
      }
      if (!ctx.clock().instant().isBefore(until)) {
        restoreAll(ctx, client, found);
        clearNudges(ctx, client, found);
        throw new ActionFailure(
            "webhooks still unhealthy after "
                + Durations.format(params.deadlineOrDefault())
                + ": "
                + String.join("; ", waiting),
            true);
      }
      ctx.progress("waiting for " + waiting.size() + " webhooks: " + waiting.get(0));
      ctx.sleeper().sleep(POLL);
    }
  }

  /** On a timeout, relaxed webhooks get their original back: a failed step enforces as before. */
  private static void restoreAll(ActionContext ctx, ApiClient client, List<Health> found)
      throws ActionFailure, InterruptedException {
    for (Health h : found) {
      Webhook w = h.webhook();
      if (ctx.ledger().get(w.ledgerKey(), String.class).isPresent()
          && "Ignore".equals(w.failurePolicy())) {
        restore(ctx, client, w);
      }
    }
  }

  private static List<Health> survey(Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(client);
    List<Webhook> webhooks = new ArrayList<>();
    for (V1ValidatingWebhookConfiguration c :
        KubeCalls.call(
                ctx,
                "listing validating webhook configurations",
                () -> admission.listValidatingWebhookConfiguration().execute())
            .getItems()) {
      webhooks.addAll(Webhook.of(c));
    }
    for (V1MutatingWebhookConfiguration c :
        KubeCalls.call(
                ctx,
                "listing mutating webhook configurations",
                () -> admission.listMutatingWebhookConfiguration().execute())
            .getItems()) {
      webhooks.addAll(Webhook.of(c));
    }
    Set<String> wanted =
        params.configurations() == null ? Set.of() : Set.copyOf(params.configurations());
    Map<String, Map<String, String>> namespaceLabels = namespaceLabels(ctx, client);
    List<Health> out = new ArrayList<>();
    for (Webhook w : webhooks) {
      if (!wanted.isEmpty() && !wanted.contains(w.configuration())) {
        continue;
      }
      out.add(health(ctx, client, w, namespaceLabels));
    }
    return out;
  }

  private static Map<String, Map<String, String>> namespaceLabels(
      ActionContext ctx, ApiClient client) throws ActionFailure, InterruptedException {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (V1Namespace ns :
        KubeCalls.call(
                ctx, "listing namespaces", () -> new CoreV1Api(client).listNamespace().execute())
            .getItems()) {
      Map<String, String> labels = new LinkedHashMap<>();
      if (ns.getMetadata().getLabels() != null) {
        labels.putAll(ns.getMetadata().getLabels());
      }
      labels.putIfAbsent("kubernetes.io/metadata.name", ns.getMetadata().getName());
      out.put(ns.getMetadata().getName(), labels);
    }
    return out;
  }

  private static Health health(
      ActionContext ctx,
      ApiClient client,
      Webhook w,
      Map<String, Map<String, String>> namespaceLabels)
      throws ActionFailure, InterruptedException {
    Optional<AdmissionregistrationV1ServiceReference> svc = w.service();
    boolean ready = true;
    boolean selfBlocking = false;
    if (svc.isPresent()) {
      String ns = svc.get().getNamespace();
      ready = readyEndpoint(ctx, client, ns, svc.get().getName());
      if (!ready) {
        selfBlocking =
            w.selfBlocking(
                namespaceLabels.getOrDefault(ns, Map.of("kubernetes.io/metadata.name", ns)),
                servingPodLabels(ctx, client, ns, svc.get().getName()),
                false);
        return new Health(w, false, selfBlocking, "no ready endpoint for Service " + w.serviceId());
      }
    }
    Optional<String> probe = probe(ctx, client, w, namespaceLabels);
    if (probe.isPresent()) {
      return new Health(w, ready, false, probe.get());
    }
    return new Health(w, ready, false, null);
  }

  private static boolean readyEndpoint(ActionContext ctx, ApiClient client, String ns, String name)
      throws ActionFailure, InterruptedException {
    List<V1EndpointSlice> slices =
        KubeCalls.call(
                ctx,
                "listing the endpoints of Service " + ns + "/" + name,
                () ->
                    new DiscoveryV1Api(client)
                        .listNamespacedEndpointSlice(ns)
                        .labelSelector("kubernetes.io/service-name=" + name)
                        .execute())
            .getItems();
    return slices.stream()
        .filter(s -> s.getEndpoints() != null)
        .flatMap(s -> s.getEndpoints().stream())
        .anyMatch(
            e ->
                e.getConditions() == null
                    || e.getConditions().getReady() == null
                    || e.getConditions().getReady());
  }

  /** The pod template labels of the workloads in {@code ns} that back Service {@code name}. */
  private static List<Map<String, String>> servingPodLabels(
      ActionContext ctx, ApiClient client, String ns, String name)
      throws ActionFailure, InterruptedException {
    V1Service service;
    try {
      service =
          KubeCalls.call(
              ctx,
              "reading Service " + ns + "/" + name,
              () -> new CoreV1Api(client).readNamespacedService(name, ns).execute());
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ApiException api && api.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
    Map<String, String> selector =
        service.getSpec() == null || service.getSpec().getSelector() == null
            ? Map.of()
            : service.getSpec().getSelector();
    if (selector.isEmpty()) {
      return List.of();
    }
    AppsV1Api apps = new AppsV1Api(client);
    List<Map<String, String>> out = new ArrayList<>();
    for (V1Deployment d :
        KubeCalls.call(
                ctx,
                "listing Deployments in " + ns,
                () -> apps.listNamespacedDeployment(ns).execute())
            .getItems()) {
      addIfServing(out, selector, d.getSpec().getTemplate().getMetadata());
    }
    for (V1StatefulSet s :
        KubeCalls.call(
                ctx,
                "listing StatefulSets in " + ns,
                () -> apps.listNamespacedStatefulSet(ns).execute())
            .getItems()) {
      addIfServing(out, selector, s.getSpec().getTemplate().getMetadata());
    }
    return out;
  }

  private static void addIfServing(
      List<Map<String, String>> out, Map<String, String> selector, V1ObjectMeta template) {
    Map<String, String> labels =
        template == null || template.getLabels() == null ? Map.of() : template.getLabels();
    if (labels.entrySet().containsAll(selector.entrySet())) {
      out.add(labels);
    }
  }

  /**
   * Sends a request through the webhook, when that is safe: a server-side dry-run creation of a pod
   * it intercepts, if it declares no side effects on dry-run; otherwise a TLS connection to its
   * Service through the API server. Empty when it answered.
   */
  private static Optional<String> probe(
      ActionContext ctx,
      ApiClient client,
      Webhook w,
      Map<String, Map<String, String>> namespaceLabels)
      throws ActionFailure, InterruptedException {
    if (w.dryRunSafe() && w.interceptsPodCreation()) {
      Optional<Map.Entry<String, Map<String, String>>> target = probeTarget(w, namespaceLabels);
      if (target.isPresent()) {
        return dryRunPod(ctx, client, w, target.get().getKey(), target.get().getValue());
      }
    }
    if (w.service().isPresent()) {
      return connect(ctx, client, w);
    }
    return Optional.empty(); // a URL webhook that cannot be probed safely: nothing more to check
  }

  /** A namespace it intercepts (its Service's own first) and labels its object selector takes. */
  private static Optional<Map.Entry<String, Map<String, String>>> probeTarget(
      Webhook w, Map<String, Map<String, String>> namespaceLabels) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (w.objectSelector() != null) {
      if (w.objectSelector().getMatchExpressions() != null
          && !w.objectSelector().getMatchExpressions().isEmpty()) {
        return Optional.empty();
      }
      if (w.objectSelector().getMatchLabels() != null) {
        labels.putAll(w.objectSelector().getMatchLabels());
      }
    }
    List<String> order = new ArrayList<>();
    w.service().ifPresent(s -> order.add(s.getNamespace()));
    order.add("default");
    order.addAll(namespaceLabels.keySet());
    for (String ns : order) {
      Map<String, String> nsLabels = namespaceLabels.get(ns);
      if (nsLabels != null && w.intercepts(nsLabels, labels)) {
        return Optional.of(Map.entry(ns, labels));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> dryRunPod(
      ActionContext ctx, ApiClient client, Webhook w, String ns, Map<String, String> labels)
      throws InterruptedException {
    V1Pod pod =
        new V1Pod()
            .metadata(
                new V1ObjectMeta()
                    .generateName("eks-scheduler-webhook-probe-")
                    .namespace(ns)
                    .labels(labels.isEmpty() ? null : labels))
            .spec(
                new V1PodSpec()
                    .overhead(null) // the client sends {} otherwise, which the API server refuses
                    .addContainersItem(
                        new V1Container().name("probe").image("registry.k8s.io/pause:3.10")));
    try {
      KubeCalls.call(
          ctx,
          "dry-run pod creation in " + ns + " through " + w.id(),
          () -> new CoreV1Api(client).createNamespacedPod(ns, pod).dryRun("All").execute(),
          // Refused because a webhook could not be called (this one, or another one on the way,
          // such as a self-blocking webhook not relaxed yet): that is the answer, not a fault of
          // the API server to retry.
          e ->
              e.getResponseBody() != null
                  && e.getResponseBody().contains("failed calling webhook"));
      return Optional.empty();
    } catch (ActionFailure e) {
      String body =
          e.getCause() instanceof ApiException api && api.getResponseBody() != null
              ? api.getResponseBody()
              : e.getMessage();
      if (failedCalling(w, body)) {
        return Optional.of("a dry-run request through it failed: " + excerpt(body));
      }
      // Denied by it (it answered), or stopped by something else: the probe says nothing more.
      return Optional.empty();
    }
  }

  /** True when the API server says it could not call {@code w} (in a Status body or its JSON). */
  private static boolean failedCalling(Webhook w, String body) {
    if (body == null) {
      return false;
    }
    String quoted = "\"" + w.name() + "\"";
    return body.contains("failed calling webhook " + quoted)
        || body.contains("failed calling webhook \\" + quoted.substring(0, quoted.length() - 1));
  }

  /**
   * True for the API server's own refusal to proxy (no endpoint, no route, TLS failure): a 502 or
   * 503 with a Status body; anything else came from the webhook's server, which answered.
   */
  private static boolean proxyRefused(ApiException e) {
    String body = e.getResponseBody() == null ? "" : e.getResponseBody();
    return (e.getCode() == 502 || e.getCode() == 503) && body.contains("\"kind\":\"Status\"");
  }

  private static Optional<String> connect(ActionContext ctx, ApiClient client, Webhook w)
      throws InterruptedException {
    AdmissionregistrationV1ServiceReference s = w.service().orElseThrow();
    int port = s.getPort() == null ? 443 : s.getPort();
    String path = s.getPath() == null ? "" : s.getPath().replaceFirst("^/", "");
    try {
      KubeCalls.call(
          ctx,
          "connecting to " + w.serviceId() + " through the API server",
          () ->
              new CoreV1Api(client)
                  .connectGetNamespacedServiceProxyWithPath(
                      "https:" + s.getName() + ":" + port, s.getNamespace(), path)
                  .execute(),
          WaitForWebhooks::proxyRefused);
      return Optional.empty();
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ApiException api) {
        String body = api.getResponseBody() == null ? "" : api.getResponseBody();
        if (!proxyRefused(api) && api.getCode() != 0) {
          return Optional.empty();
        }
        return Optional.of("no TLS connection to " + w.serviceId() + ": " + excerpt(body));
      }
      return Optional.of("no TLS connection to " + w.serviceId() + ": " + e.getMessage());
    }
  }

  private static String excerpt(String body) {
    try {
      String message = JSON.readTree(body).path("message").asText("");
      if (!message.isEmpty()) {
        return message;
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // not a Status: show the text itself
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  /** Sets failurePolicy Ignore, its original in the ledger and the annotation first. */
  private static void relax(ActionContext ctx, ApiClient client, Webhook found)
      throws ActionFailure, InterruptedException {
    if (!"Fail".equals(found.failurePolicy())) {
      return;
    }
    if (ctx.ledger().get(found.ledgerKey(), String.class).isEmpty()) {
      ctx.ledger().put(found.ledgerKey(), found.failurePolicy());
    }
    patchPolicy(ctx, client, found, "Ignore", found.failurePolicy());
    ctx.log(found.id() + ": failurePolicy Fail -> Ignore until its pods are Ready");
    nudge(ctx, client, found);
  }

  /**
   * Wakes the controllers of the webhook's own pods now rather than at the end of their backoff: a
   * ReplicaSet refused pod creations all night may wait up to 1,000 s before trying again, but any
   * update of the object queues it at once. The update is an annotation set and removed again, so
   * the object ends as it was.
   */
  private static void nudge(ActionContext ctx, ApiClient client, Webhook w)
      throws ActionFailure, InterruptedException {
    if (w.service().isEmpty()) {
      return;
    }
    String ns = w.service().get().getNamespace();
    V1Service service;
    try {
      service =
          KubeCalls.call(
              ctx,
              "reading Service " + w.serviceId(),
              () ->
                  new CoreV1Api(client)
                      .readNamespacedService(w.service().get().getName(), ns)
                      .execute());
    } catch (ActionFailure e) {
      return; // no Service: nothing to nudge, the wait names it
    }
    Map<String, String> selector =
        service.getSpec() == null || service.getSpec().getSelector() == null
            ? Map.of()
            : service.getSpec().getSelector();
    if (selector.isEmpty()) {
      return;
    }
    AppsV1Api apps = new AppsV1Api(client);
    for (V1ReplicaSet rs :
        KubeCalls.call(
                ctx,
                "listing ReplicaSets in " + ns,
                () -> apps.listNamespacedReplicaSet(ns).execute())
            .getItems()) {
      Integer replicas = rs.getSpec().getReplicas();
      if (replicas != null && replicas > 0 && serves(selector, rs.getSpec().getTemplate())) {
        String name = rs.getMetadata().getName();
        AnnotationPatch.replicaSet(ctx, client, ns, name, NUDGE, ctx.runId());
        AnnotationPatch.replicaSet(ctx, client, ns, name, NUDGE, null);
      }
    }
    for (V1StatefulSet sts :
        KubeCalls.call(
                ctx,
                "listing StatefulSets in " + ns,
                () -> apps.listNamespacedStatefulSet(ns).execute())
            .getItems()) {
      if (serves(selector, sts.getSpec().getTemplate())) {
        String name = sts.getMetadata().getName();
        AnnotationPatch.statefulSet(ctx, client, ns, name, NUDGE, ctx.runId());
        AnnotationPatch.statefulSet(ctx, client, ns, name, NUDGE, null);
      }
    }
  }

  /**
   * Removes the nudge annotation that a run killed between setting and removing it left on the
   * ReplicaSets and StatefulSets next to the webhooks this run relaxed (a resume finds the webhook
   * relaxed already and does not nudge again), so that nothing of the nudge outlives the step.
   */
  private static void clearNudges(ActionContext ctx, ApiClient client, List<Health> found)
      throws ActionFailure, InterruptedException {
    Set<String> namespaces = new java.util.TreeSet<>();
    for (Health h : found) {
      Webhook w = h.webhook();
      if (w.service().isPresent() && ctx.ledger().get(w.ledgerKey(), String.class).isPresent()) {
        namespaces.add(w.service().get().getNamespace());
      }
    }
    AppsV1Api apps = new AppsV1Api(client);
    for (String ns : namespaces) {
      for (V1ReplicaSet rs :
          KubeCalls.call(
                  ctx,
                  "listing ReplicaSets in " + ns,
                  () -> apps.listNamespacedReplicaSet(ns).execute())
              .getItems()) {
        if (nudged(rs.getMetadata())) {
          AnnotationPatch.replicaSet(ctx, client, ns, rs.getMetadata().getName(), NUDGE, null);
        }
      }
      for (V1StatefulSet sts :
          KubeCalls.call(
                  ctx,
                  "listing StatefulSets in " + ns,
                  () -> apps.listNamespacedStatefulSet(ns).execute())
              .getItems()) {
        if (nudged(sts.getMetadata())) {
          AnnotationPatch.statefulSet(ctx, client, ns, sts.getMetadata().getName(), NUDGE, null);
        }
      }
    }
  }

  private static boolean nudged(V1ObjectMeta meta) {
    return meta.getAnnotations() != null && meta.getAnnotations().containsKey(NUDGE);
  }

  private static boolean serves(Map<String, String> selector, V1PodTemplateSpec template) {
    Map<String, String> labels =
        template == null
                || template.getMetadata() == null
                || template.getMetadata().getLabels() == null
            ? Map.of()
            : template.getMetadata().getLabels();
    return labels.entrySet().containsAll(selector.entrySet());
  }

  /** Puts the original failurePolicy back and removes the annotation's entry. */
  private static void restore(ActionContext ctx, ApiClient client, Webhook w)
      throws ActionFailure, InterruptedException {
    String original = ctx.ledger().get(w.ledgerKey(), String.class).orElse("Fail");
    patchPolicy(ctx, client, w, original, null);
    ctx.log(w.id() + ": failurePolicy Ignore -> " + original + " (its pods are Ready)");
  }

  /**
   * One JSON patch, guarded by the resourceVersion read: the webhook's failurePolicy and the
   * configuration's annotations (with {@code original} recorded for this webhook, or its entry
   * removed when null).
   */
  private static void patchPolicy(
      ActionContext ctx, ApiClient client, Webhook found, String policy, String original)
      throws ActionFailure, InterruptedException {
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(client);
    Webhook w = found;
    for (int attempt = 1; ; attempt++) {
      Map<String, String> annotations = annotations(ctx, admission, w);
      Map<String, String> next;
      try {
        next = WebhookOriginals.withEntry(annotations, ctx.runId(), w.name(), original);
      } catch (IllegalArgumentException e) {
        throw new ActionFailure(w.kind() + " " + w.configuration() + ": " + e.getMessage(), false);
      }
      ArrayNode ops = JSON.createArrayNode();
      ops.addObject()
          .put("op", "test")
          .put("path", "/metadata/resourceVersion")
          .put("value", w.resourceVersion());
      ops.addObject()
          .put("op", "test")
          .put("path", "/webhooks/" + w.index() + "/name")
          .put("value", w.name());
      ops.addObject()
          .put("op", "replace")
          .put("path", "/webhooks/" + w.index() + "/failurePolicy")
          .put("value", policy);
      ObjectNode set = ops.addObject().put("op", "add").put("path", "/metadata/annotations");
      set.set("value", JSON.valueToTree(next));
      V1Patch patch = new V1Patch(ops.toString());
      String name = w.configuration();
      try {
        KubeCalls.call(
            ctx,
            "setting failurePolicy " + policy + " on " + w.id(),
            () ->
                Webhook.VALIDATING.equals(found.kind())
                    ? PatchUtils.patch(
                        V1ValidatingWebhookConfiguration.class,
                        () ->
                            admission
                                .patchValidatingWebhookConfiguration(name, patch)
                                .buildCall(null),
                        V1Patch.PATCH_FORMAT_JSON_PATCH,
                        client)
                    : PatchUtils.patch(
                        V1MutatingWebhookConfiguration.class,
                        () ->
                            admission
                                .patchMutatingWebhookConfiguration(name, patch)
                                .buildCall(null),
                        V1Patch.PATCH_FORMAT_JSON_PATCH,
                        client));
        ctx.changed();
        return;
      } catch (ActionFailure e) {
        int code = e.getCause() instanceof ApiException api ? api.getCode() : -1;
        if ((code != 409 && code != 422) || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        w = reread(ctx, admission, w).orElseThrow(() -> e);
      }
    }
  }

  private static Map<String, String> annotations(
      ActionContext ctx, AdmissionregistrationV1Api admission, Webhook w)
      throws ActionFailure, InterruptedException {
    V1ObjectMeta meta =
        Webhook.VALIDATING.equals(w.kind())
            ? KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () -> admission.readValidatingWebhookConfiguration(w.configuration()).execute())
                .getMetadata()
            : KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () -> admission.readMutatingWebhookConfiguration(w.configuration()).execute())
                .getMetadata();
    return meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
  }

  private static Optional<Webhook> reread(
      ActionContext ctx, AdmissionregistrationV1Api admission, Webhook w)
      throws ActionFailure, InterruptedException {
    List<Webhook> now =
        Webhook.VALIDATING.equals(w.kind())
            ? Webhook.of(
                KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () ->
                        admission.readValidatingWebhookConfiguration(w.configuration()).execute()))
            : Webhook.of(
                KubeCalls.call(
                    ctx,
                    "reading " + w.kind() + " " + w.configuration(),
                    () -> admission.readMutatingWebhookConfiguration(w.configuration()).execute()));
    return now.stream().filter(x -> x.name().equals(w.name())).findFirst();
  }
}
