package io.eksscheduler.actions.pausing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.originals.Originals;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one field a pause changes on an object, the value that means "paused", and the versioned
 * original it records in the annotation {@value Originals#ANNOTATION} and the ledger: {@code
 * {"v":1,"run":"RUN_ID","suspend":false}}, where a JSON null means "the field was absent" (so a
 * resume removes it again). Pure functions only: the patches are JSON merge patches (RFC 7386)
 * carrying the resourceVersion read, so they fail with 409 if the object changed since.
 *
 * @param key the key of the original in the annotation's JSON ({@code automated}, {@code limits})
 * @param path where the field lives in the object ({@code spec, syncPolicy, automated})
 * @param paused the value that means paused; null means "removed"
 */
record PausedField(String key, List<String> path, JsonNode paused) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static final PausedField ARGO_AUTOMATED =
      new PausedField("automated", List.of("spec", "syncPolicy", "automated"), null);
  static final PausedField FLUX_SUSPEND =
      new PausedField("suspend", List.of("spec", "suspend"), NODES.booleanNode(true));
  static final PausedField REPLICAS =
      new PausedField("replicas", List.of("spec", "replicas"), NODES.numberNode(0));
  static final PausedField NODE_POOL_LIMITS =
      new PausedField(
          "limits",
          List.of("spec", "limits"),
          NODES.objectNode().put("cpu", "0").put("memory", "0"));
  static final String KEDA_PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";
  static final PausedField KEDA_PAUSED =
      new PausedField(
          "pausedReplicas",
          List.of("metadata", "annotations", KEDA_PAUSED_REPLICAS),
          NODES.textNode("0"));

  /**
   * One original as recorded.
   *
   * @param run the run that recorded it
   * @param value the field's value then, null when it was absent
   */
  record FieldOriginal(String run, JsonNode value) {}

  /** The field's value on {@code o} now, null when absent. */
  JsonNode current(ClusterObject o) {
    return o.at(path);
  }

  /** True when the field already holds the paused value. */
  boolean isPaused(ClusterObject o) {
    return Objects.equals(current(o), paused);
  }

  /** What {@code o} holds now, as the original {@code run} would record. */
  FieldOriginal original(ClusterObject o, String run) {
    JsonNode now = current(o);
    return new FieldOriginal(run, now == null ? null : now.deepCopy());
  }

  /** The original as a plain JSON object, for the ledger and the annotation. */
  ObjectNode toJson(FieldOriginal original) {
    ObjectNode out = NODES.objectNode();
    out.put("v", Originals.VERSION);
    out.put("run", original.run());
    out.set(key, original.value() == null ? NullNode.getInstance() : original.value());
    return out;
  }

  /** The annotation's text for {@code original}. */
  String format(FieldOriginal original) {
    try {
      return JSON.writeValueAsString(toJson(original));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an original: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The original held by {@code json} (the annotation's or the ledger's value).
   *
   * @throws IllegalArgumentException saying why when it is not an original of this field that this
   *     release can read
   */
  FieldOriginal fromJson(JsonNode node) {
    if (node == null || !node.isObject() || !node.path("v").canConvertToInt()) {
      throw new IllegalArgumentException("is not a versioned original: " + node);
    }
    if (node.get("v").asInt() != Originals.VERSION) {
      throw new IllegalArgumentException(
          "has version " + node.get("v").asInt() + ", which this release cannot read: " + node);
    }
    if (!node.has(key)) {
      throw new IllegalArgumentException("holds no " + key + ": " + node);
    }
    JsonNode value = node.get(key);
    return new FieldOriginal(node.path("run").asText(""), value.isNull() ? null : value);
  }

  /**
   * The original recorded on {@code o}, if any.
   *
   * @throws IllegalArgumentException naming the object when the annotation cannot be read
   */
  Optional<FieldOriginal> recorded(ClusterObject o) {
    Optional<String> text = o.annotation(Originals.ANNOTATION);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(fromJson(JSON.readTree(text.get())));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String why =
          e instanceof IllegalArgumentException ? e.getMessage() : "is not JSON: " + text.get();
      throw new IllegalArgumentException(
          o.id() + ": annotation " + Originals.ANNOTATION + " " + why + "; fix or remove it", e);
    }
  }

  /** Sets the annotation to {@code original} and the field to its paused value, in one patch. */
  String pausePatch(ClusterObject o, FieldOriginal original) {
    ObjectNode patch = withResourceVersion(o);
    annotations(patch).put(Originals.ANNOTATION, format(original));
    put(patch, diff(current(o), paused));
    return patch.toString();
  }

  /** Sets the field back to {@code original} exactly and removes the annotation, in one patch. */
  String restorePatch(ClusterObject o, FieldOriginal original) {
    ObjectNode patch = withResourceVersion(o);
    annotations(patch).putNull(Originals.ANNOTATION);
    put(patch, diff(current(o), original.value()));
    return patch.toString();
  }

  /** The plan's words for a value: {@code (absent)}, {@code false}, {@code {"cpu":"64"}}. */
  static String show(JsonNode value) {
    return value == null ? "(absent)" : value.toString();
  }

  /**
   * The merge patch value that turns {@code from} into {@code to}: null removes, objects are
   * patched key by key (keys only in {@code from} removed), anything else replaced. Null when they
   * are already equal.
   */
  static JsonNode diff(JsonNode from, JsonNode to) {
    if (Objects.equals(from, to)) {
      return null;
    }
    if (to == null) {
      return NullNode.getInstance();
    }
    if (from == null || !from.isObject() || !to.isObject()) {
      return to;
    }
    ObjectNode out = NODES.objectNode();
    for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!to.has(k) || to.get(k).isNull()) {
        out.putNull(k);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = to.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        continue;
      }
      JsonNode d = diff(from.get(e.getKey()), e.getValue());
      if (d != null) {
        out.set(e.getKey(), d);
      }
    }
    return out;
  }

  private static ObjectNode withResourceVersion(ClusterObject o) {
    ObjectNode patch = NODES.objectNode();
    ObjectNode meta = patch.putObject("metadata");
    if (o.resourceVersion() != null) {
      meta.put("resourceVersion", o.resourceVersion());
    }
    return patch;
  }

  private static ObjectNode annotations(ObjectNode patch) {
    return child(child(patch, "metadata"), "annotations");
  }

  private void put(ObjectNode patch, JsonNode value) {
    if (value == null) {
      return;
    }
    ObjectNode parent = patch;
    for (String k : path.subList(0, path.size() - 1)) {
      parent = child(parent, k);
    }
    parent.set(path.get(path.size() - 1), value);
  }

  private static ObjectNode child(ObjectNode parent, String key) {
    JsonNode existing = parent.get(key);
    return existing instanceof ObjectNode o ? o : parent.putObject(key);
  }
}
