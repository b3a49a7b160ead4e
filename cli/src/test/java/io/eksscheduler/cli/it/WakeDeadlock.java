package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.sandbox.Wait;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Puts the dev scenario's kyverno-like webhook in the deadlock a wake meets on a real cluster whose
 * nodes went away under it: its pods are gone while its endpoint is down, and since it fails closed
 * on the creation of pods in its own namespace, its ReplicaSet is refused every new pod. After a
 * stop the webhook's replacement pod may still be Pending (created while the old one was serving);
 * deleting it, as a node's termination does, leaves the deadlock.
 */
final class WakeDeadlock {
  static final String NAMESPACE = "kyverno";
  static final String CONFIGURATION = "kyverno-resource-validating-webhook-cfg";
  static final String WEBHOOK = "validate.kyverno.svc-fail";

  /**
   * How the API server refuses a pod when a webhook has no endpoint: this one, or another webhook
   * of the same server that a test added (a mutating one is called first).
   */
  static final String REFUSAL = "failed calling webhook \"";

  private static final Duration REFUSED = Duration.ofMinutes(1);

  private WakeDeadlock() {}

  /**
   * Deletes the webhook's pods, then waits until none is left and its ReplicaSet was refused a new
   * one by the webhook itself; returns the refusal the API server gave.
   */
  static String enter(KubeJson kube) {
    Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (JsonNode pod : kube.items("/api/v1/namespaces/" + NAMESPACE + "/pods")) {
      kube.delete(
          "/api/v1/namespaces/"
              + NAMESPACE
              + "/pods/"
              + pod.path("metadata").path("name").asText());
    }
    String[] refusal = new String[1];
    Wait.until(
        "the " + NAMESPACE + " ReplicaSet to be refused its pods by its own webhook",
        REFUSED,
        Duration.ofMillis(500),
        () -> {
          List<JsonNode> pods = kube.items("/api/v1/namespaces/" + NAMESPACE + "/pods");
          if (!pods.isEmpty()) {
            return Optional.of(pods.size() + " pods in " + NAMESPACE);
          }
          for (JsonNode e : kube.items("/api/v1/namespaces/" + NAMESPACE + "/events")) {
            String last = e.path("lastTimestamp").asText(e.path("eventTime").asText(""));
            if ("FailedCreate".equals(e.path("reason").asText())
                && "ReplicaSet".equals(e.path("involvedObject").path("kind").asText())
                && e.path("message").asText().contains(REFUSAL)
                && !last.isEmpty()
                && !Instant.parse(last).isBefore(from)) {
              refusal[0] = e.path("message").asText();
              return Optional.empty();
            }
          }
          return Optional.of("no FailedCreate event since " + from);
        });
    return refusal[0];
  }
}
