package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.LockHolder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The store's Leases as {@code coordination.k8s.io/v1} objects: a new one, one taken over, renewed
 * or cleared, each made from the Lease as read (so that its update is conditional on the
 * resourceVersion read); and what a Lease as read says: its holder, whether this process's renewal
 * is the one in it, whether it expired by a given instant.
 */
final class LeaseObjects {
  private static final ObjectMapper JSON = Json.mapper();
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private LeaseObjects() {}

  /** The API path of the Leases of {@code namespace}. */
  static String collection(String namespace) {
    return "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases";
  }

  /** The API path of Lease {@code name} of {@code namespace}. */
  static String path(String namespace, String name) {
    return collection(namespace) + "/" + name;
  }

  /**
   * A new Lease {@code name} held by {@code identity}, acquired and renewed at {@code now}.
   *
   * @param labels labels beside the store's own
   * @param annotations annotations beside the holder's note
   */
  static ObjectNode created(
      String namespace,
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      LockHolder holder,
      String identity,
      Duration duration,
      String now)
      throws IOException {
    ObjectNode lease = JSON.createObjectNode();
    lease.put("apiVersion", "coordination.k8s.io/v1");
    lease.put("kind", "Lease");
    ObjectNode meta = lease.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    ObjectNode l = meta.putObject("labels");
    l.put(StoreNames.MANAGED_BY, StoreNames.MANAGER);
    labels.forEach(l::put);
    ObjectNode a = meta.putObject("annotations");
    annotations.forEach(a::put);
    a.put(StoreNames.HOLDER, JSON.writeValueAsString(holder));
    ObjectNode spec = lease.putObject("spec");
    spec.put("holderIdentity", identity);
    spec.put("leaseDurationSeconds", duration.toSeconds());
    spec.put("acquireTime", now);
    spec.put("renewTime", now);
    spec.put("leaseTransitions", 0);
    return lease;
  }

  /**
   * {@code lease} as read, taken by {@code identity} at {@code now}; one more transition when it
   * was another's (or nobody's).
   */
  static ObjectNode taken(
      JsonNode lease, String identity, Duration duration, LockHolder holder, String now)
      throws IOException {
    ObjectNode next = lease.deepCopy();
    ObjectNode spec = next.with("spec");
    boolean transition = !spec.path("holderIdentity").asText("").equals(identity);
    spec.put("holderIdentity", identity);
    spec.put("leaseDurationSeconds", duration.toSeconds());
    spec.put("acquireTime", now);
    spec.put("renewTime", now);
    if (transition) {
      spec.put("leaseTransitions", spec.path("leaseTransitions").asInt(0) + 1);
    }
    ((ObjectNode) next.with("metadata").with("annotations"))
        .put(StoreNames.HOLDER, JSON.writeValueAsString(holder));
    return next;
  }

  /** {@code lease} as held, renewed at {@code now}. */
  static ObjectNode renewed(JsonNode lease, String now) {
    ObjectNode next = lease.deepCopy();
    next.with("spec").put("renewTime", now);
    return next;
  }

  /** {@code lease} without a holder: released, or broken. */
  static ObjectNode cleared(JsonNode lease) {
    ObjectNode next = lease.deepCopy();
    next.with("spec").remove("holderIdentity");
    ((ObjectNode) next.with("metadata").with("annotations")).remove(StoreNames.HOLDER);
    return next;
  }

  /** The holderIdentity of {@code lease}, empty when nobody holds it. */
  static String holderIdentity(JsonNode lease) {
    return lease.path("spec").path("holderIdentity").asText("");
  }

  /** The holderIdentity and renewTime of {@code lease}: what changes when its holder renews it. */
  static String renewal(JsonNode lease) {
    return holderIdentity(lease) + "@" + lease.path("spec").path("renewTime").asText("");
  }

  /** The duration {@code lease} says, in seconds (60 when it says none). */
  static long seconds(JsonNode lease) {
    return lease.path("spec").path("leaseDurationSeconds").asLong(60);
  }

  /** True when {@code lease} is held by {@code identity} with the renewal {@code renewTime}. */
  static boolean mine(JsonNode lease, String identity, String renewTime) {
    JsonNode spec = lease.path("spec");
    return identity.equals(spec.path("holderIdentity").asText(""))
        && renewTime.equals(spec.path("renewTime").asText(""));
  }

  /**
   * True when {@code lease}'s last renewal plus its duration is before {@code now} (a machine's
   * clock: for reports, never to take a Lease over); false when it has no readable renewTime.
   */
  static boolean expired(JsonNode lease, Instant now) {
    JsonNode spec = lease.path("spec");
    Instant renewed = parse(spec.path("renewTime").asText(""));
    long seconds = spec.path("leaseDurationSeconds").asLong(60);
    return renewed != null && renewed.plusSeconds(seconds).isBefore(now);
  }

  /** The holder written on {@code lease}, or what its holderIdentity says. */
  static LockHolder holderOf(JsonNode lease, String what) {
    String written = lease.path("metadata").path("annotations").path(StoreNames.HOLDER).asText("");
    if (!written.isEmpty()) {
      try {
        return JSON.readValue(written, LockHolder.class);
      } catch (IOException e) {
        // an unreadable note: fall back on the identity
      }
    }
    String id = lease.path("spec").path("holderIdentity").asText("an unknown runner");
    return new LockHolder(
        "unknown", 0, id, parse(lease.path("spec").path("acquireTime").asText("")));
  }

  /** {@code t} as a Lease's MicroTime. */
  static String micro(Instant t) {
    return MICRO.format(t);
  }

  private static Instant parse(String text) {
    try {
      return text.isEmpty() ? null : Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
