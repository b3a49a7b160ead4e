package io.eksscheduler.actions.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.originals.Originals;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1ServiceReference;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1RuleWithOperations;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookTest {
  private static final Map<String, String> KYVERNO_NS =
      Map.of("kubernetes.io/metadata.name", "kyverno");
  private static final Map<String, String> SERVER_PODS = Map.of("app", "kyverno");

  private static Webhook webhook(
      String failurePolicy, V1LabelSelector namespaces, V1LabelSelector objects, String resource) {
    return new Webhook(
        Webhook.VALIDATING,
        "kyverno-cfg",
        0,
        "validate.kyverno.svc",
        failurePolicy,
        "NoneOnDryRun",
        Optional.of(
            new AdmissionregistrationV1ServiceReference().namespace("kyverno").name("kyverno-svc")),
        namespaces,
        objects,
        List.of(
            new V1RuleWithOperations()
                .apiGroups(List.of(""))
                .apiVersions(List.of("v1"))
                .operations(List.of("CREATE", "UPDATE"))
                .resources(List.of(resource))),
        "1");
  }

  private static V1LabelSelector notIn(String... namespaces) {
    return new V1LabelSelector()
        .addMatchExpressionsItem(
            new V1LabelSelectorRequirement()
                .key("kubernetes.io/metadata.name")
                .operator("NotIn")
                .values(List.of(namespaces)));
  }

  @Test
  void failingClosedOnItsOwnPodsWithoutAnEndpointIsSelfBlocking() {
    Webhook w = webhook("Fail", notIn("kube-system"), null, "pods");
    assertTrue(w.selfBlocking(KYVERNO_NS, List.of(SERVER_PODS), false));
    assertFalse(w.selfBlocking(KYVERNO_NS, List.of(SERVER_PODS), true), "ready: not blocking");
  }

  @Test
  void failingOpenOrNotInterceptingItsOwnPodsIsNotSelfBlocking() {
    assertFalse(
        webhook("Ignore", null, null, "pods")
            .selfBlocking(KYVERNO_NS, List.of(SERVER_PODS), false));
    assertFalse(
        webhook("Fail", notIn("kube-system", "kyverno"), null, "pods")
            .selfBlocking(KYVERNO_NS, List.of(SERVER_PODS), false),
        "its namespace is excluded");
    assertFalse(
        webhook("Fail", null, null, "configmaps")
            .selfBlocking(KYVERNO_NS, List.of(SERVER_PODS), false),
        "it does not intercept pods");
    V1LabelSelector notServer =
        new V1LabelSelector()
            .addMatchExpressionsItem(
                new V1LabelSelectorRequirement()
                    .key("app")
                    .operator("NotIn")
                    .values(List.of("kyverno")));
    assertFalse(
        webhook("Fail", null, notServer, "pods")
            .selfBlocking(KYVERNO_NS, List.of(SERVER_PODS), false),
        "its object selector leaves its own pods out");
  }

  @Test
  void wildcardRulesInterceptPods() {
    assertTrue(webhook("Fail", null, null, "*").interceptsPodCreation());
    assertTrue(webhook("Fail", null, null, "*/*").interceptsPodCreation());
    assertFalse(webhook("Fail", null, null, "pods/exec").interceptsPodCreation());
  }

  @Test
  void originalsAreRecordedPerWebhookNeverOverwrittenAndRemovedWithTheLastEntry() {
    Map<String, String> first =
        WebhookOriginals.withEntry(Map.of("team", "platform"), "r1", "a", "Fail");
    assertEquals(
        "{\"v\":1,\"run\":\"r1\",\"failurePolicy\":{\"a\":\"Fail\"}}",
        first.get(Originals.ANNOTATION));
    Map<String, String> second = WebhookOriginals.withEntry(first, "r2", "a", "Ignore");
    assertEquals(first, second, "an existing original is never overwritten");
    Map<String, String> both = WebhookOriginals.withEntry(first, "r2", "b", "Fail");
    Map<String, String> one = WebhookOriginals.withEntry(both, "r2", "a", null);
    assertEquals(
        "{\"v\":1,\"run\":\"r1\",\"failurePolicy\":{\"b\":\"Fail\"}}",
        one.get(Originals.ANNOTATION));
    assertEquals(Map.of("team", "platform"), WebhookOriginals.withEntry(one, "r2", "b", null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            WebhookOriginals.withEntry(
                Map.of(Originals.ANNOTATION, "{\"v\":2}"), "r", "a", "Fail"));
  }
}
