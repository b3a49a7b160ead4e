package io.eksscheduler.actions.originals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The original state of an object a stop changed, as kept in the step's ledger and in the
 * annotation {@value #ANNOTATION}: small versioned JSON such as {@code
 * {"v":1,"run":"RUN_ID","replicas":3}} or {@code {"v":1,"run":"RUN_ID","suspend":false}}, so a
 * newer release can still wake what an older one stopped.
 */
public final class Originals {
  public static final String ANNOTATION = "eks-scheduler.io/original";
  public static final String EXCLUDE = "eks-scheduler.io/exclude";
  public static final String DEPENDS_ON = "eks-scheduler.io/depends-on";
  public static final int VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One original.
   *
   * @param v the format version, {@value #VERSION}
   * @param run the run that recorded it
   * @param replicas the replicas of a Deployment or StatefulSet, else null
   * @param suspend the {@code spec.suspend} of a CronJob or Job, else null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"v", "run", "replicas", "suspend"})
  public record Original(int v, String run, Integer replicas, Boolean suspend) {

    public static Original ofReplicas(String run, int replicas) {
      return new Original(VERSION, run, replicas, null);
    }

    public static Original ofSuspend(String run, boolean suspend) {
      return new Original(VERSION, run, null, suspend);
    }

    /** What a user reads: {@code replicas 3} or {@code suspend false}. */
    public String value() {
      return replicas != null ? "replicas " + replicas : "suspend " + suspend;
    }
  }

  private Originals() {}

  /** The annotation's text for {@code original}. */
  public static String format(Original original) {
    try {
      return JSON.writeValueAsString(original);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an original: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The original the annotation text holds; empty for no annotation.
   *
   * @throws IllegalArgumentException saying why when the text is not an original this release can
   *     read (not JSON, a newer version, neither replicas nor suspend)
   */
  public static Optional<Original> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("is not JSON: " + text);
    }
    if (node == null || !node.isObject() || !node.path("v").canConvertToInt()) {
      throw new IllegalArgumentException("is not a versioned original: " + text);
    }
    if (node.get("v").asInt() != VERSION) {
      throw new IllegalArgumentException(
          "has version " + node.get("v").asInt() + ", which this release cannot read: " + text);
    }
    boolean replicas = node.path("replicas").canConvertToInt();
    boolean suspend = node.path("suspend").isBoolean();
    if (replicas == suspend) {
      throw new IllegalArgumentException("holds neither replicas nor suspend: " + text);
    }
    return Optional.of(
        new Original(
            VERSION,
            node.path("run").asText(""),
            replicas ? node.get("replicas").asInt() : null,
            suspend ? node.get("suspend").asBoolean() : null));
  }

  /**
   * A JSON merge patch that sets the annotation to {@code original} and, in the same request, puts
   * the object to sleep: {@code spec.replicas: 0} or {@code spec.suspend: true}. Carrying the
   * resourceVersion read makes it fail with 409 if the object changed since, so what is recorded is
   * what was there.
   */
  public static String sleepPatch(Original original, String resourceVersion) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode meta = patch.putObject("metadata");
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    meta.putObject("annotations").put(ANNOTATION, format(original));
    ObjectNode spec = patch.putObject("spec");
    if (original.replicas() != null) {
      spec.put("replicas", 0);
    } else {
      spec.put("suspend", true);
    }
    return patch.toString();
  }
}
