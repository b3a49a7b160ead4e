package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.state.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a run's objects back: the head, its sealed chunks and the parts of records too large for
 * one object, in one list by the run's label (paged), and puts its records together.
 */
final class RunObjects {
  private static final ObjectMapper JSON = Json.mapper();
  private static final int PAGE = 100;

  /**
   * A run as read.
   *
   * @param head the head Secret
   * @param headRecords the records in the head, as stored (key as written, bytes as written)
   * @param records every record of the run, key without {@code .gz}, bytes decoded
   */
  record Read(JsonNode head, Map<String, byte[]> headRecords, Map<String, byte[]> records) {
    String resourceVersion() {
      return head.path("metadata").path("resourceVersion").asText();
    }
  }

  private final KubeRest rest;
  private final String namespace;

  RunObjects(KubeRest rest, String namespace) {
    this.rest = rest;
    this.namespace = namespace;
  }

  String collection() {
    return "/api/v1/namespaces/" + namespace + "/secrets";
  }

  /** Every object labelled {@code selector}, with its data, all pages. */
  List<JsonNode> list(String selector) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    String cont = null;
    do {
      Map<String, String> query = new HashMap<>();
      query.put("labelSelector", selector);
      query.put("limit", Integer.toString(PAGE));
      if (cont != null) {
        query.put("continue", cont);
      }
      KubeRest.Answer page = rest.get(collection(), query);
      if (!page.ok()) {
        throw failure("listing the store's objects (" + selector + ")", page);
      }
      page.body().path("items").forEach(out::add);
      cont = page.body().path("metadata").path("continue").asText("");
    } while (!cont.isEmpty());
    return out;
  }

  /** The metadata of every object labelled {@code selector} (no data), all pages. */
  List<JsonNode> listMetadata(String selector) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    String cont = null;
    do {
      Map<String, String> query = new HashMap<>();
      query.put("labelSelector", selector);
      query.put("limit", "500");
      if (cont != null) {
        query.put("continue", cont);
      }
      KubeRest.Answer page = rest.listMetadata(collection(), query);
      if (!page.ok()) {
        throw failure("listing the store's runs", page);
      }
      page.body().path("items").forEach(out::add);
      cont = page.body().path("metadata").path("continue").asText("");
    } while (!cont.isEmpty());
    return out;
  }

  /** The object named {@code name}, read by a list (the store's role has no get), or null. */
  JsonNode byName(String name) throws IOException {
    KubeRest.Answer got = rest.get(collection(), Map.of("fieldSelector", "metadata.name=" + name));
    if (!got.ok()) {
      throw failure("reading " + name, got);
    }
    for (JsonNode item : got.body().path("items")) {
      return item;
    }
    return null;
  }

  /** Run {@code runId}, or null when it has no head. */
  Read read(String runId) throws IOException {
    List<JsonNode> objects = list(StoreNames.RUN + "=" + StoreNames.runLabel(runId));
    JsonNode head = null;
    Map<String, byte[]> parts = new HashMap<>();
    List<JsonNode> chunks = new ArrayList<>();
    for (JsonNode o : objects) {
      String part = o.path("metadata").path("labels").path(StoreNames.PART).asText();
      switch (part) {
        case "head" -> {
          if (runId.equals(
              o.path("metadata").path("annotations").path(StoreNames.RUN_ID).asText())) {
            head = o;
          }
        }
        case "chunk" -> chunks.add(o);
        case "part" ->
            parts.put(
                o.path("metadata").path("name").asText(),
                Records.unb64(o.path("data").path(Records.PART_DATA).asText("")));
        default -> {
          // an object of a newer version: not ours to read
        }
      }
    }
    if (head == null) {
      return null;
    }
    Map<String, byte[]> stored = new LinkedHashMap<>();
    for (JsonNode chunk : chunks) {
      stored.putAll(
          Records.unchunk(Records.unb64(chunk.path("data").path(Records.CHUNK_DATA).asText())));
    }
    Map<String, byte[]> headRecords = new LinkedHashMap<>();
    head.path("data")
        .fields()
        .forEachRemaining(e -> headRecords.put(e.getKey(), Records.unb64(e.getValue().asText())));
    stored.putAll(headRecords);
    Map<String, byte[]> records = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> r : stored.entrySet()) {
      String key = r.getKey();
      byte[] bytes = r.getValue();
      if (key.startsWith("x.")) {
        key = key.substring(2);
        bytes = assemble(runId, key, bytes, parts);
      }
      records.put(Records.plainKey(key), Records.decode(key, bytes));
    }
    return new Read(head, headRecords, records);
  }

  private static byte[] assemble(String runId, String key, byte[] marker, Map<String, byte[]> parts)
      throws IOException {
    JsonNode m = JSON.readTree(marker);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (JsonNode name : m.path("parts")) {
      byte[] part = parts.get(name.asText());
      if (part == null) {
        throw new IOException(
            "run " + runId + ": record " + key + " misses its part " + name.asText());
      }
      out.write(part);
    }
    return out.toByteArray();
  }

  static IOException failure(String what, KubeRest.Answer answer) {
    if (answer.code() == 403) {
      return new StoreSetupException(
          what
              + ": "
              + answer.message()
              + " (the identity in use lacks the store's Role in its namespace: see"
              + " deploy/rbac.yaml)");
    }
    return new IOException(what + ": " + answer.message());
  }
}
