package io.eksscheduler.actions.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.actions.originals.Originals;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The annotation {@code eks-scheduler.io/original} on a webhook configuration while some of its
 * webhooks fail open: {@code {"v":1,"run":"RUN_ID","failurePolicy":{"WEBHOOK":"Fail"}}}, one entry
 * per relaxed webhook, removed (and the annotation with the last one) once restored.
 */
final class WebhookOriginals {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookOriginals() {}

  /**
   * {@code annotations} with {@code webhook}'s original recorded (an existing one is kept), or,
   * when {@code original} is null, with its entry removed.
   *
   * @throws IllegalArgumentException when the annotation holds something this release cannot read
   */
  static Map<String, String> withEntry(
      Map<String, String> annotations, String run, String webhook, String original) {
    Map<String, String> out = new LinkedHashMap<>(annotations);
    String text = annotations.get(Originals.ANNOTATION);
    ObjectNode value;
    try {
      JsonNode node = text == null ? null : JSON.readTree(text);
      if (node != null && (!node.isObject() || node.path("v").asInt() != Originals.VERSION)) {
        throw new IllegalArgumentException(
            "annotation "
                + Originals.ANNOTATION
                + " is not an original this release reads: "
                + text);
      }
      value =
          node == null
              ? JSON.createObjectNode().put("v", Originals.VERSION).put("run", run)
              : (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "annotation " + Originals.ANNOTATION + " is not JSON: " + text, e);
    }
    ObjectNode policies =
        value.path("failurePolicy").isObject()
            ? (ObjectNode) value.get("failurePolicy")
            : value.putObject("failurePolicy");
    if (original != null) {
      if (!policies.has(webhook)) {
        policies.put(webhook, original);
      }
    } else {
      policies.remove(webhook);
    }
    if (policies.isEmpty()) {
      out.remove(Originals.ANNOTATION);
    } else {
      out.put(Originals.ANNOTATION, value.toString());
    }
    return out;
  }
}
