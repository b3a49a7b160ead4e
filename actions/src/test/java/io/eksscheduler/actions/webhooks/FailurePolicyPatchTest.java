package io.eksscheduler.actions.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.originals.Originals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailurePolicyPatchTest {
  private static Webhook webhook(String kind, int index, String name) {
    return new Webhook(
        kind,
        "kyverno-cfg",
        index,
        name,
        "Fail",
        "None",
        Optional.empty(),
        null,
        null,
        List.of(),
        "42");
  }

  @Test
  void theRelaxIsOneJsonPatchGuardedByTheResourceVersionAndTheWebhooksNameAtItsIndex() {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("team", "platform");
    Map<String, String> next =
        WebhookOriginals.withEntry(annotations, "r1", "validate.kyverno.svc", "Fail");
    assertEquals(
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
            + "{\"op\":\"test\",\"path\":\"/webhooks/1/name\",\"value\":\"validate.kyverno.svc\"},"
            + "{\"op\":\"replace\",\"path\":\"/webhooks/1/failurePolicy\",\"value\":\"Ignore\"},"
            + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"team\":\"platform\","
            + "\""
            + Originals.ANNOTATION
            + "\":\"{\\\"v\\\":1,\\\"run\\\":\\\"r1\\\","
            + "\\\"failurePolicy\\\":{\\\"validate.kyverno.svc\\\":\\\"Fail\\\"}}\"}}]",
        FailurePolicyPatch.jsonPatch(
            webhook(Webhook.VALIDATING, 1, "validate.kyverno.svc"), "Ignore", next));
  }

  @Test
  void theRestoreSetsTheOriginalBackAndTheAnnotationsWithoutItsEntry() {
    assertEquals(
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
            + "{\"op\":\"test\",\"path\":\"/webhooks/0/name\",\"value\":\"m\"},"
            + "{\"op\":\"replace\",\"path\":\"/webhooks/0/failurePolicy\",\"value\":\"Fail\"},"
            + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{}}]",
        FailurePolicyPatch.jsonPatch(webhook(Webhook.MUTATING, 0, "m"), "Fail", Map.of()));
  }
}
