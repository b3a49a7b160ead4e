package io.eksscheduler.actions.webhooks;

import io.eksscheduler.actions.kube.Selectors;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import io.kubernetes.client.openapi.models.V1ValidatingWebhook;
import io.kubernetes.client.openapi.models.V1ValidatingWebhookConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One admission webhook of a validating or mutating configuration, reduced to what decides its
 * health and whether it blocks its own pods: pure functions over what was read, as kubectl's
 * verdicts are.
 *
 * @param kind {@code ValidatingWebhookConfiguration} or {@code MutatingWebhookConfiguration}
 * @param configuration the configuration's name
 * @param index the webhook's position in the configuration's {@code webhooks}
 * @param name the webhook's name
 * @param failurePolicy {@code Fail} (the default) or {@code Ignore}
 * @param sideEffects {@code None}, {@code NoneOnDryRun}, {@code Some} or {@code Unknown}
 * @param service the Service it calls, empty for a URL webhook
 * @param namespaceSelector which namespaces' objects it intercepts (null: all)
 * @param objectSelector which objects it intercepts (null: all)
 * @param rules what it intercepts
 * @param resourceVersion the configuration's resourceVersion when read
 */
record Webhook(
    String kind,
    String configuration,
    int index,
    String name,
    String failurePolicy,
    String sideEffects,
    Optional<AdmissionregistrationV1ServiceReference> service,
    V1LabelSelector namespaceSelector,
    V1LabelSelector objectSelector,
    List<V1RuleWithOperations> rules,
    String resourceVersion) {

  static final String VALIDATING = "ValidatingWebhookConfiguration";
  static final String MUTATING = "MutatingWebhookConfiguration";

  static List<Webhook> of(V1ValidatingWebhookConfiguration c) {
    List<Webhook> out = new ArrayList<>();
    List<V1ValidatingWebhook> hooks = c.getWebhooks() == null ? List.of() : c.getWebhooks();
    for (int i = 0; i < hooks.size(); i++) {
      V1ValidatingWebhook w = hooks.get(i);
      out.add(
          new Webhook(
              VALIDATING,
              c.getMetadata().getName(),
              i,
              w.getName(),
              w.getFailurePolicy() == null ? "Fail" : w.getFailurePolicy(),
              w.getSideEffects(),
              service(w.getClientConfig()),
              w.getNamespaceSelector(),
              w.getObjectSelector(),
              w.getRules() == null ? List.of() : w.getRules(),
              c.getMetadata().getResourceVersion()));
    }
    return out;
  }

  static List<Webhook> of(V1MutatingWebhookConfiguration c) {
    List<Webhook> out = new ArrayList<>();
    List<V1MutatingWebhook> hooks = c.getWebhooks() == null ? List.of() : c.getWebhooks();
    for (int i = 0; i < hooks.size(); i++) {
      V1MutatingWebhook w = hooks.get(i);
      out.add(
          new Webhook(
              MUTATING,
              c.getMetadata().getName(),
              i,
              w.getName(),
              w.getFailurePolicy() == null ? "Fail" : w.getFailurePolicy(),
              w.getSideEffects(),
              service(w.getClientConfig()),
              w.getNamespaceSelector(),
              w.getObjectSelector(),
              w.getRules() == null ? List.of() : w.getRules(),
              c.getMetadata().getResourceVersion()));
    }
    return out;
  }

  private static Optional<AdmissionregistrationV1ServiceReference> service(
      AdmissionregistrationV1WebhookClientConfig config) {
    return config == null ? Optional.empty() : Optional.ofNullable(config.getService());
  }

  /** What users read: {@code ValidatingWebhookConfiguration kyverno/validate.kyverno.svc}. */
  String id() {
    return kind + " " + configuration + " webhook " + name;
  }

  /** The ledger key of the failure policy a relax replaced. */
  String ledgerKey() {
    return "original:" + kind + " " + configuration + "/" + name;
  }

  /** The Service it calls, as {@code ns/name}, or null for a URL webhook. */
  String serviceId() {
    return service.map(s -> s.getNamespace() + "/" + s.getName()).orElse(null);
  }

  boolean failsClosed() {
    return "Fail".equals(failurePolicy);
  }

  /** A server-side dry-run request may go through it: it declares no side effects on dry-run. */
  boolean dryRunSafe() {
    return "None".equals(sideEffects) || "NoneOnDryRun".equals(sideEffects);
  }

  /** True when it intercepts the creation of pods (core v1) by its rules. */
  boolean interceptsPodCreation() {
    for (V1RuleWithOperations r : rules) {
      boolean group = anyOf(r.getApiGroups(), "");
      boolean version = anyOf(r.getApiVersions(), "v1");
      boolean operation = anyOf(r.getOperations(), "CREATE");
      boolean resource =
          r.getResources() != null
              && r.getResources().stream()
                  .anyMatch(x -> x.equals("pods") || x.equals("*") || x.equals("*/*"));
      if (group && version && operation && resource) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyOf(List<String> values, String wanted) {
    return values != null && (values.contains(wanted) || values.contains("*"));
  }

  /**
   * True when a pod with {@code labels} in a namespace with {@code namespaceLabels} is sent to it.
   */
  boolean intercepts(Map<String, String> namespaceLabels, Map<String, String> labels) {
    return interceptsPodCreation()
        && (namespaceSelector == null || Selectors.matches(namespaceSelector, namespaceLabels))
        && (objectSelector == null || Selectors.matches(objectSelector, labels));
  }

  /**
   * True when it blocks its own recovery: it fails closed, intercepts the creation of the pods that
   * serve it (their namespace and labels given), and none of them is ready.
   */
  boolean selfBlocking(
      Map<String, String> serviceNamespaceLabels,
      List<Map<String, String>> servingPodLabels,
      boolean ready) {
    if (ready || !failsClosed() || service.isEmpty()) {
      return false;
    }
    if (servingPodLabels.isEmpty()) {
      return intercepts(serviceNamespaceLabels, Map.of());
    }
    return servingPodLabels.stream().anyMatch(l -> intercepts(serviceNamespaceLabels, l));
  }
}
