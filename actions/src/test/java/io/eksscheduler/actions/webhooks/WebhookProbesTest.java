package io.eksscheduler.actions.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of the probes: where a dry-run goes and how the API server's answers read. */
class WebhookProbesTest {
  private static final String NAME = "validate.kyverno.svc-fail";

  private static Webhook webhook(V1LabelSelector namespaces, V1LabelSelector objects) {
    return new Webhook(
        Webhook.VALIDATING,
        "kyverno-cfg",
        0,
        NAME,
        "Fail",
        "None",
        Optional.of(
            new AdmissionregistrationV1ServiceReference().namespace("kyverno").name("kyverno-svc")),
        namespaces,
        objects,
        List.of(
            new V1RuleWithOperations()
                .apiGroups(List.of(""))
                .apiVersions(List.of("v1"))
                .operations(List.of("CREATE"))
                .resources(List.of("pods"))),
        "1");
  }

  private static Map<String, Map<String, String>> namespaces(String... names) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, Map.of("kubernetes.io/metadata.name", n));
    }
    return out;
  }

  private static V1LabelSelector onlyIn(String namespace) {
    return new V1LabelSelector()
        .addMatchExpressionsItem(
            new V1LabelSelectorRequirement()
                .key("kubernetes.io/metadata.name")
                .operator("In")
                .values(List.of(namespace)));
  }

  @Test
  void theDryRunGoesToItsServicesNamespaceFirstThenDefaultThenAnyItIntercepts() {
    Map<String, Map<String, String>> all = namespaces("apps", "default", "kyverno");
    assertEquals(
        Optional.of(Map.entry("kyverno", Map.of())),
        WebhookProbes.probeTarget(webhook(null, null), all));
    assertEquals(
        Optional.of(Map.entry("default", Map.of())),
        WebhookProbes.probeTarget(webhook(onlyIn("default"), null), all));
    assertEquals(
        Optional.of(Map.entry("apps", Map.of())),
        WebhookProbes.probeTarget(webhook(onlyIn("apps"), null), all));
    assertEquals(
        Optional.empty(), WebhookProbes.probeTarget(webhook(onlyIn("elsewhere"), null), all));
  }

  @Test
  void theDryRunPodCarriesTheLabelsItsObjectSelectorAsksFor() {
    V1LabelSelector labels = new V1LabelSelector().matchLabels(Map.of("app", "web"));
    assertEquals(
        Optional.of(Map.entry("kyverno", Map.of("app", "web"))),
        WebhookProbes.probeTarget(webhook(null, labels), namespaces("kyverno")));
    V1LabelSelector expressions =
        new V1LabelSelector()
            .addMatchExpressionsItem(
                new V1LabelSelectorRequirement().key("app").operator("Exists"));
    assertEquals(
        Optional.empty(),
        WebhookProbes.probeTarget(webhook(null, expressions), namespaces("kyverno")),
        "match expressions: no pod is made up to fit them");
  }

  @Test
  void aFailureToCallItIsReadInTheMessageAndInItsJson() {
    Webhook w = webhook(null, null);
    assertTrue(
        WebhookProbes.failedCalling(
            w,
            "Internal error occurred: failed calling webhook \""
                + NAME
                + "\": failed to call webhook: no endpoints"));
    assertTrue(
        WebhookProbes.failedCalling(
            w,
            "{\"kind\":\"Status\",\"message\":\"Internal error occurred: failed calling webhook"
                + " \\\""
                + NAME
                + "\\\": no endpoints\"}"));
    assertFalse(
        WebhookProbes.failedCalling(w, "failed calling webhook \"other.svc\": no endpoints"),
        "another webhook on the way");
    assertFalse(WebhookProbes.failedCalling(w, "admission webhook denied the request"));
    assertFalse(WebhookProbes.failedCalling(w, null));
  }

  @Test
  void onlyTheApiServersOwnStatusOn502Or503IsARefusalToProxy() {
    String status = "{\"kind\":\"Status\",\"message\":\"no endpoints available\"}";
    assertTrue(WebhookProbes.proxyRefused(new ApiException(503, Map.of(), status)));
    assertTrue(WebhookProbes.proxyRefused(new ApiException(502, Map.of(), status)));
    assertFalse(
        WebhookProbes.proxyRefused(new ApiException(503, Map.of(), "upstream says busy")),
        "the webhook's server answered");
    assertFalse(WebhookProbes.proxyRefused(new ApiException(404, Map.of(), status)));
  }

  @Test
  void anExcerptIsTheStatusMessageElseTheTextCutAt300() {
    assertEquals("no endpoints", WebhookProbes.excerpt("{\"message\":\"no endpoints\"}"));
    assertEquals("plain text", WebhookProbes.excerpt("plain text"));
    String longText = "x".repeat(301);
    assertEquals("x".repeat(300) + "...", WebhookProbes.excerpt(longText));
    assertEquals("{\"kind\":\"Status\"}", WebhookProbes.excerpt("{\"kind\":\"Status\"}"));
  }
}
