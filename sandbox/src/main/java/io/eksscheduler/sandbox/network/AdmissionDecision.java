package io.eksscheduler.sandbox.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Answers an AdmissionReview v1 the way the sandbox's stand-in policy engine does: everything is
 * allowed except an object labelled {@code sandbox.eks-scheduler.io/deny: "true"}, so tests can
 * tell a webhook that really ran from one that was skipped.
 */
public final class AdmissionDecision {

  /** The label that makes the sandbox's validating webhook reject an object. */
  public static final String DENY_LABEL = "sandbox.eks-scheduler.io/deny";

  private AdmissionDecision() {}

  /** The AdmissionReview response for {@code review}, a request from the API server. */
  public static ObjectNode respond(ObjectMapper json, JsonNode review, String webhookPath) {
    JsonNode request = review.path("request");
    ObjectNode response = json.createObjectNode();
    response.put("uid", request.path("uid").asText());
    boolean deny =
        webhookPath.endsWith("/validate")
            && "true"
                .equals(
                    request
                        .path("object")
                        .path("metadata")
                        .path("labels")
                        .path(DENY_LABEL)
                        .asText(null));
    response.put("allowed", !deny);
    if (deny) {
      ObjectNode status = response.putObject("status");
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put(
          "message",
          "denied by the sandbox policy webhook: label " + DENY_LABEL + "=true is not allowed");
    }
    ObjectNode out = json.createObjectNode();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    out.set("response", response);
    return out;
  }
}
