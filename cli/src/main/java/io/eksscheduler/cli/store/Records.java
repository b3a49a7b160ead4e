package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.state.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a run's records are written into Secrets. A record is a key and its bytes: {@code
 * created.json} (the run's first state), {@code playbook.NNNN.yaml} (its playbook, one per
 * generation), {@code e.NNNNNNNNNN.json} (event number N). A record over {@value #COMPRESS_FROM}
 * bytes is gzipped when that saves a tenth or more, its key then ending in {@code .gz}. A sealed
 * chunk holds many records as one gzipped stream of JSON lines, {@code {"k": KEY, "t": TEXT}} or
 * {@code {"k": KEY, "b": BASE64}} for gzipped records.
 */
final class Records {
  static final int COMPRESS_FROM = 1024;
  static final String CREATED = "created.json";
  static final String CHUNK_DATA = "records.jsonl.gz";
  static final String PART_DATA = "part";
  private static final ObjectMapper JSON = Json.mapper();

  private Records() {}

  /** {@code key} and {@code raw}, gzipped when that helps: the key written and its bytes. */
  static Map.Entry<String, byte[]> encode(String key, byte[] raw) throws IOException {
    if (raw.length >= COMPRESS_FROM) {
      byte[] gz = gzip(raw);
      if (gz.length * 10L <= raw.length * 9L) {
        return Map.entry(key + ".gz", gz);
      }
    }
    return Map.entry(key, raw);
  }

  /** The record's original bytes. */
  static byte[] decode(String key, byte[] stored) throws IOException {
    return key.endsWith(".gz") ? gunzip(stored) : stored;
  }

  /** The key without its {@code .gz}. */
  static String plainKey(String key) {
    return key.endsWith(".gz") ? key.substring(0, key.length() - 3) : key;
  }

  static String eventKey(long seq) {
    return String.format("e.%010d.json", seq);
  }

  static String playbookKey(int generation) {
    return String.format("playbook.%04d.yaml", generation);
  }

  /** The sequence number of an event key, or -1 for other records. */
  static long seqOf(String plainKey) {
    if (plainKey.startsWith("e.") && plainKey.endsWith(".json")) {
      return Long.parseLong(plainKey.substring(2, plainKey.length() - 5));
    }
    return -1;
  }

  /** The generation of a playbook key, or -1 for other records. */
  static int generationOf(String plainKey) {
    if (plainKey.startsWith("playbook.") && plainKey.endsWith(".yaml")) {
      return Integer.parseInt(plainKey.substring(9, plainKey.length() - 5));
    }
    return -1;
  }

  /** A chunk's data: {@code records} as one gzipped stream. */
  static byte[] chunk(Map<String, byte[]> records) throws IOException {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      ObjectNode line = JSON.createObjectNode();
      line.put("k", r.getKey());
      if (r.getKey().endsWith(".gz")) {
        line.put("b", Base64.getEncoder().encodeToString(r.getValue()));
      } else {
        line.put("t", new String(r.getValue(), StandardCharsets.UTF_8));
      }
      lines.write(JSON.writeValueAsBytes(line));
      lines.write('\n');
    }
    return gzip(lines.toByteArray());
  }

  /** The records of a chunk's data. */
  static Map<String, byte[]> unchunk(byte[] data) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    String text = new String(gunzip(data), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode r = JSON.readTree(line);
      String key = r.path("k").asText();
      out.put(
          key,
          r.has("b")
              ? Base64.getDecoder().decode(r.path("b").asText())
              : r.path("t").asText().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] unb64(String text) {
    return Base64.getDecoder().decode(text);
  }
}
