package io.eksscheduler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The API server's audit log of a sandbox, read from a byte offset: one event per request (the
 * sandbox's policy omits the RequestReceived stage), with who asked what and the answer.
 */
final class AuditLog {

  /** One request as the audit log records it. */
  record Request(
      Instant received,
      String user,
      String verb,
      String resource,
      String subresource,
      String namespace,
      String name,
      String uri,
      int code) {

    /** {@code verb resource[/subresource]}, or {@code verb URI-path} for a non-resource request. */
    String kind() {
      if (resource.isEmpty()) {
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        return verb + " " + path;
      }
      return verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource);
    }

    boolean succeeded() {
      return code >= 200 && code < 300;
    }

    String pod() {
      return namespace + "/" + name;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditLog() {}

  /** The log's size now: where a later {@link #read} starts. */
  static long end(Path log) throws IOException {
    return Files.size(log);
  }

  /** The requests received in {@code [from, to]}, from the first whole line at {@code offset}. */
  static List<Request> read(Path log, long offset, Instant from, Instant to) throws IOException {
    List<Request> requests = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      boolean atLineStart = offset == 0;
      if (!atLineStart) {
        file.seek(offset - 1);
        atLineStart = file.read() == '\n';
      }
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(
                  Channels.newInputStream(file.getChannel()), StandardCharsets.UTF_8),
              1 << 20);
      if (!atLineStart) {
        reader.readLine(); // the end of a line written before the offset
      }
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        Request request = parse(line);
        if (!request.received().isBefore(from) && !request.received().isAfter(to)) {
          requests.add(request);
        }
      }
    }
    return requests;
  }

  private static Request parse(String line) throws IOException {
    JsonNode event = JSON.readTree(line);
    JsonNode ref = event.path("objectRef");
    return new Request(
        Instant.parse(event.path("requestReceivedTimestamp").asText()),
        event.path("user").path("username").asText(),
        event.path("verb").asText(),
        ref.path("resource").asText(),
        ref.path("subresource").asText(),
        ref.path("namespace").asText(),
        ref.path("name").asText(),
        event.path("requestURI").asText(),
        event.path("responseStatus").path("code").asInt());
  }
}
