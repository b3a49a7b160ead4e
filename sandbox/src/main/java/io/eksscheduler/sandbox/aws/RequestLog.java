package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends one JSON line per AWS call to {@code aws/requests.jsonl}: time, service, operation,
 * caller ARN, whether it mutates, HTTP status, error code, the fault injected if any, and the
 * client's User-Agent (which tells apart two processes of one identity). Never the credentials,
 * signature or token.
 */
public final class RequestLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One logged call. */
  public record Entry(
      String time,
      String service,
      String operation,
      String caller,
      boolean mutating,
      int status,
      String errorCode,
      String injected,
      String userAgent) {}

  private final Path file;

  public RequestLog(Path file) {
    this.file = file;
  }

  public synchronized void append(Entry entry) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", entry.time());
    line.put("service", entry.service());
    line.put("operation", entry.operation());
    line.put("caller", entry.caller());
    line.put("mutating", entry.mutating());
    line.put("status", entry.status());
    if (entry.errorCode() != null) {
      line.put("errorCode", entry.errorCode());
    }
    if (entry.injected() != null) {
      line.put("injected", entry.injected());
    }
    if (entry.userAgent() != null) {
      line.put("userAgent", entry.userAgent());
    }
    try {
      Files.write(
          file,
          (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("appending to " + file + ": " + e.getMessage(), e);
    }
  }
}
