package io.eksscheduler.actions.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.originals.Originals;
import java.util.List;
import java.util.Optional;

/**
 * One object as the API server returned it, kept as JSON so that what is recorded and restored is
 * exactly what was stored (no model classes rounding numbers or dropping unknown fields).
 *
 * @param type what kind of object it is
 * @param json the object
 */
public record ClusterObject(ResourceType type, JsonNode json) {

  public String name() {
    return json.path("metadata").path("name").asText();
  }

  /** Its namespace, null for a cluster-scoped object. */
  public String namespace() {
    JsonNode ns = json.path("metadata").path("namespace");
    return ns.isTextual() ? ns.asText() : null;
  }

  public String resourceVersion() {
    JsonNode rv = json.path("metadata").path("resourceVersion");
    return rv.isTextual() ? rv.asText() : null;
  }

  /** What users read: {@code Application argocd/shop}, {@code NodePool default}. */
  public String id() {
    return type.kind() + " " + (namespace() == null ? name() : namespace() + "/" + name());
  }

  public Optional<String> annotation(String key) {
    JsonNode value = json.path("metadata").path("annotations").path(key);
    return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
  }

  /** True when annotated {@code eks-scheduler.io/exclude: "true"}: a stop leaves it alone. */
  public boolean excluded() {
    return annotation(Originals.EXCLUDE).map("true"::equalsIgnoreCase).orElse(false);
  }

  /** The value at {@code path}, or null when absent (a JSON null counts as absent too). */
  public JsonNode at(List<String> path) {
    JsonNode node = json;
    for (String key : path) {
      node = node.path(key);
    }
    return node.isMissingNode() || node.isNull() ? null : node;
  }
}
