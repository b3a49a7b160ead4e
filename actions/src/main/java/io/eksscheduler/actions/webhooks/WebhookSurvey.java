package io.eksscheduler.actions.webhooks;

import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Ledger;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code webhooks.wait} read: each admission webhook of the selected configurations, whether
 * its Service has a ready endpoint, whether it answered a probe, whether it blocks its own pods,
 * and (once asked) whether this step's ledger holds the failure policy a relax replaced.
 *
 * @param found the webhooks, validating configurations first, in the order listed
 */
record WebhookSurvey(List<WebhookSurvey.Found> found) {

  /**
   * What was found about one webhook.
   *
   * @param webhook the webhook as read
   * @param ready its Service has a ready endpoint (true for a URL webhook)
   * @param selfBlocking it fails closed on the creation of its own pods, none of them ready
   * @param why why it is not answering, null when it is
   * @param relaxedByUs the step's ledger holds its original failure policy (false until {@link
   *     #withLedger} is asked)
   * @param podNotReady a pod of its Service exists, not Ready (Pending since the stop, say): it may
   *     turn Ready on its own
   * @param mayStart something may bring its Service up: a pod of it exists, a workload serving it
   *     wants replicas, or an earlier step of the dry-run starts pods it selects (true for a URL
   *     webhook and for one with a ready endpoint)
   */
  record Found(
      Webhook webhook,
      boolean ready,
      boolean selfBlocking,
      String why,
      boolean relaxedByUs,
      boolean podNotReady,
      boolean mayStart) {

    /** What was found about a webhook whose pods, if any, are not looked at. */
    Found(Webhook webhook, boolean ready, boolean selfBlocking, String why, boolean relaxedByUs) {
      this(webhook, ready, selfBlocking, why, relaxedByUs, false, true);
    }

    boolean healthy() {
      return why == null;
    }
  }

  /** The webhooks of {@code found}. */
  List<Webhook> webhooks() {
    return found.stream().map(Found::webhook).toList();
  }

  /** This survey with, for each webhook, whether {@code ledger} holds its original policy. */
  WebhookSurvey withLedger(Ledger ledger) {
    return new WebhookSurvey(
        found.stream()
            .map(
                f ->
                    new Found(
                        f.webhook(),
                        f.ready(),
                        f.selfBlocking(),
                        f.why(),
                        ledger.get(f.webhook().ledgerKey(), String.class).isPresent(),
                        f.podNotReady(),
                        f.mayStart()))
            .toList());
  }

  /** Reads every webhook of the configurations named (all when none is) and probes it. */
  static WebhookSurvey read(List<String> configurations, ActionContext ctx)
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
    Map<String, Map<String, String>> namespaceLabels = namespaceLabels(ctx, client);
    List<Found> out = new ArrayList<>();
    for (Webhook w : selected(webhooks, configurations)) {
      out.add(health(ctx, client, w, namespaceLabels));
    }
    return new WebhookSurvey(out);
  }

  /** The webhooks of the configurations named, in order; all of them when none is named. */
  static List<Webhook> selected(List<Webhook> webhooks, List<String> configurations) {
    Set<String> wanted = configurations == null ? Set.of() : Set.copyOf(configurations);
    return webhooks.stream()
        .filter(w -> wanted.isEmpty() || wanted.contains(w.configuration()))
        .toList();
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

  private static Found health(
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
        WebhookBackends backends = WebhookBackends.read(ctx, client, ns, svc.get().getName());
        selfBlocking =
            w.selfBlocking(
                namespaceLabels.getOrDefault(ns, Map.of("kubernetes.io/metadata.name", ns)),
                backends.templateLabels(),
                false);
        return new Found(
            w,
            false,
            selfBlocking,
            "no ready endpoint for Service " + w.serviceId(),
            false,
            backends.podNotReady(),
            backends.mayStart());
      }
    }
    Optional<String> probe = WebhookProbes.probe(ctx, client, w, namespaceLabels);
    if (probe.isPresent()) {
      return new Found(w, ready, false, probe.get(), false);
    }
    return new Found(w, ready, false, null, false);
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
}
