package io.eksscheduler.sandbox.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class AdmissionDecisionTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void ordinaryPodIsAllowedWithTheRequestUid() throws Exception {
    JsonNode answer = AdmissionDecision.respond(json, review("{}"), "/kyverno/validate");

    assertEquals("admission.k8s.io/v1", answer.path("apiVersion").asText());
    assertEquals("AdmissionReview", answer.path("kind").asText());
    assertEquals("u-1", answer.path("response").path("uid").asText());
    assertTrue(answer.path("response").path("allowed").asBoolean());
  }

  @Test
  void deniedLabelIsRejectedByTheValidatingWebhook() throws Exception {
    JsonNode answer =
        AdmissionDecision.respond(
            json, review("{\"sandbox.eks-scheduler.io/deny\":\"true\"}"), "/kyverno/validate");

    assertFalse(answer.path("response").path("allowed").asBoolean());
    assertEquals(403, answer.path("response").path("status").path("code").asInt());
  }

  @Test
  void mutatingWebhookNeverDenies() throws Exception {
    JsonNode answer =
        AdmissionDecision.respond(
            json, review("{\"sandbox.eks-scheduler.io/deny\":\"true\"}"), "/cert-manager/mutate");

    assertTrue(answer.path("response").path("allowed").asBoolean());
  }

  private JsonNode review(String labels) throws Exception {
    return json.readTree(
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u-1\",\"operation\":\"CREATE\","
            + "\"object\":{\"metadata\":{\"name\":\"p\",\"labels\":"
            + labels
            + "}}}}");
  }
}
