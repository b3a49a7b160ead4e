package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunSummary;
import io.eksscheduler.engine.state.StateLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run as the store's Secrets hold it, and back: the head that creates a run, the merge patch that
 * adds records to it and drops the sealed ones, a sealed chunk, a part of a large record and the
 * marker that names its parts; and the run's state, playbook and events replayed from its records.
 * Writes nothing: {@link ClusterRunStore} sends these.
 */
final class RunSecrets {
  private static final ObjectMapper JSON = Json.mapper();

  private RunSecrets() {}

  /** A Secret {@code name} of the store, part {@code part} of run {@code runId}, without data. */
  static ObjectNode secret(String namespace, String name, String part, String runId) {
    ObjectNode s = JSON.createObjectNode();
    s.put("apiVersion", "v1");
    s.put("kind", "Secret");
    s.put("type", StoreNames.SECRET_TYPE);
    ObjectNode meta = s.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    ObjectNode labels = meta.putObject("labels");
    labels.put(StoreNames.MANAGED_BY, StoreNames.MANAGER);
    labels.put(StoreNames.PART, part);
    labels.put(StoreNames.RUN, StoreNames.runLabel(runId));
    return s;
  }

  /**
   * The head that creates run {@code runId}: labelled with its lock key (if any), annotated with
   * its id and {@code summary}, holding {@code records}.
   */
  static ObjectNode head(
      String namespace,
      String runId,
      String lockKey,
      RunSummary summary,
      Map<String, byte[]> records)
      throws IOException {
    ObjectNode head = secret(namespace, StoreNames.run(runId), "head", runId);
    ObjectNode meta = (ObjectNode) head.get("metadata");
    if (lockKey != null) {
      meta.with("labels").put(StoreNames.LOCK, StoreNames.lockLabel(lockKey));
    }
    ObjectNode annotations = meta.putObject("annotations");
    annotations.put(StoreNames.RUN_ID, runId);
    annotations.put(StoreNames.SUMMARY, JSON.writeValueAsString(summary));
    ObjectNode data = head.putObject("data");
    records.forEach((k, v) -> data.put(k, Records.b64(v)));
    return head;
  }

  /**
   * The merge patch of a head at {@code resourceVersion} (so that it fails with a conflict once
   * another runner wrote the head): {@code summary} when not null, the {@code sealed} records
   * dropped, {@code adds} added.
   */
  static ObjectNode headPatch(
      String resourceVersion,
      RunSummary summary,
      Collection<String> sealed,
      Map<String, byte[]> adds)
      throws IOException {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode meta = patch.putObject("metadata");
    meta.put("resourceVersion", resourceVersion);
    if (summary != null) {
      meta.putObject("annotations").put(StoreNames.SUMMARY, JSON.writeValueAsString(summary));
    }
    ObjectNode data = patch.putObject("data");
    sealed.forEach(data::putNull);
    adds.forEach((k, v) -> data.put(k, Records.b64(v)));
    return patch;
  }

  /**
   * The name of the chunk sealing {@code records} (keys as in the head) of run {@code runId}: the
   * events it spans and a hash of its keys.
   */
  static String chunkName(String runId, Collection<String> records) {
    long first = Long.MAX_VALUE;
    long last = 0;
    for (String key : records) {
      long seq = Records.seqOf(Records.plainKey(key.startsWith("x.") ? key.substring(2) : key));
      first = Math.min(first, Math.max(seq, 0));
      last = Math.max(last, seq);
    }
    return StoreNames.chunk(runId, first == Long.MAX_VALUE ? 0 : first, last)
        + "-"
        + StoreNames.hash(String.join(",", records), 6);
  }

  /** Chunk {@code name} of run {@code runId}, immutable, holding {@code records}. */
  static ObjectNode chunk(String namespace, String runId, String name, Map<String, byte[]> records)
      throws IOException {
    ObjectNode chunk = secret(namespace, name, "chunk", runId);
    chunk.put("immutable", true);
    chunk.putObject("data").put(Records.CHUNK_DATA, Records.b64(Records.chunk(records)));
    return chunk;
  }

  /** Part {@code name} of a large record of run {@code runId}, immutable, holding {@code bytes}. */
  static ObjectNode part(String namespace, String runId, String name, byte[] bytes) {
    ObjectNode part = secret(namespace, name, "part", runId);
    part.put("immutable", true);
    part.putObject("data").put(Records.PART_DATA, Records.b64(bytes));
    return part;
  }

  /** What the head holds for a record of {@code bytes} bytes written as the parts {@code names}. */
  static byte[] marker(List<String> names, int bytes) throws IOException {
    ObjectNode marker = JSON.createObjectNode();
    marker.putPOJO("parts", names);
    marker.put("bytes", bytes);
    return JSON.writeValueAsBytes(marker);
  }

  /** True when {@code secret} holds every one of {@code records} as it is. */
  static boolean sameData(JsonNode secret, Map<String, byte[]> records) {
    JsonNode data = secret.path("data");
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      if (!Records.b64(r.getValue()).equals(data.path(r.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code head} as read now (null when there is none) shows that a write whose answer
   * was lost did land: its {@code adds} there, the {@code sealed} records gone.
   */
  static boolean landed(JsonNode head, Map<String, byte[]> adds, Collection<String> sealed) {
    if (head == null) {
      return false;
    }
    JsonNode data = head.path("data");
    for (String k : sealed) {
      if (data.has(k)) {
        return false;
      }
    }
    return sameData(head, adds);
  }

  /**
   * A run replayed from its records: its first state with every event applied, its newest playbook
   * and that playbook's generation, its events in order and the last one's number.
   */
  record Replayed(
      RunState state, String playbook, int generation, List<Event> events, long lastSeq) {}

  /**
   * Run {@code runId} from its {@code records} (keys without {@code .gz}, bytes decoded).
   *
   * @param where the store, for the error when the run has no first state
   */
  static Replayed replay(String runId, Map<String, byte[]> records, String where)
      throws IOException {
    byte[] created = records.get(Records.CREATED);
    if (created == null) {
      throw new IOException("run " + runId + " has no first state in " + where);
    }
    RunState state = JSON.readValue(created, RunState.class);
    TreeMap<Long, Event> events = new TreeMap<>();
    int generation = 0;
    String playbook = null;
    for (Map.Entry<String, byte[]> rec : records.entrySet()) {
      long seq = Records.seqOf(rec.getKey());
      if (seq > 0) {
        events.put(seq, JSON.readValue(rec.getValue(), Event.class));
      }
      int g = Records.generationOf(rec.getKey());
      if (g >= generation) {
        generation = g;
        playbook = new String(rec.getValue(), StandardCharsets.UTF_8);
      }
    }
    for (Event e : events.values()) {
      state = StateLog.apply(state, e);
    }
    return new Replayed(
        state,
        playbook,
        generation,
        List.copyOf(events.values()),
        events.isEmpty() ? 0 : events.lastKey());
  }

  /**
   * One line per object of a run (name, part, bytes of data), the largest first, then the total.
   */
  static List<String> sizes(List<JsonNode> objects) {
    record Sized(String name, long bytes) {}
    List<Sized> sizes = new ArrayList<>();
    for (JsonNode o : objects) {
      long bytes = 0;
      var data = o.path("data").fields();
      while (data.hasNext()) {
        bytes += Records.unb64(data.next().getValue().asText()).length;
      }
      sizes.add(
          new Sized(
              o.path("metadata").path("name").asText()
                  + " ("
                  + o.path("metadata").path("labels").path(StoreNames.PART).asText()
                  + ")",
              bytes));
    }
    sizes.sort(Comparator.comparingLong(Sized::bytes).reversed());
    List<String> out = new ArrayList<>();
    for (Sized s : sizes) {
      out.add(String.format("%-72s %8d bytes", s.name(), s.bytes()));
    }
    out.add(
        sizes.size()
            + " objects, "
            + sizes.stream().mapToLong(Sized::bytes).sum()
            + " bytes of data");
    return out;
  }
}
