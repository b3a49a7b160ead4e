package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.aws.NodeReconciler;
import io.eksscheduler.sandbox.controlplane.Pki;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What was called from a moment on: the API server's audit log and the AWS simulator's request log,
 * both JSON lines appended by the sandbox, read from where they ended when the window opened. The
 * command line reaches Kubernetes through the sandbox's admin kubeconfig, so its requests are the
 * admin user's; the only other client with that user, the AWS simulator, writes only when instances
 * launch or terminate.
 */
final class CallLogs {
  /** The Kubernetes user of the admin kubeconfig, which the command line uses in these tests. */
  static final String TOOL_USER = Pki.ADMIN.commonName();

  private static final Set<String> MUTATING =
      Set.of("create", "update", "patch", "delete", "deletecollection");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path audit;
  private final Path aws;
  private final long auditFrom;
  private final long awsFrom;

  private CallLogs(Path audit, Path aws) throws IOException {
    this.audit = audit;
    this.aws = aws;
    this.auditFrom = size(audit);
    this.awsFrom = size(aws);
  }

  /** Opens a window on the sandbox's logs: what is appended from now on. */
  static CallLogs from(TestSandbox sandbox) throws IOException {
    return new CallLogs(sandbox.auditLog(), sandbox.awsRequestLog());
  }

  /** The audit events since the window opened. */
  List<JsonNode> auditEvents() throws IOException {
    return lines(audit, auditFrom);
  }

  /** The AWS calls since the window opened. */
  List<JsonNode> awsCalls() throws IOException {
    return lines(aws, awsFrom);
  }

  /**
   * The tool's requests since the window opened that changed something: a mutating verb without
   * {@code dryRun=All}, as "verb requestURI -> code". Not the simulator's: it acts as EKS with the
   * same credentials, and its User-Agent tells it apart.
   */
  List<String> toolWrites() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode e : auditEvents()) {
      String uri = e.path("requestURI").asText();
      if (TOOL_USER.equals(e.path("user").path("username").asText())
          && !e.path("userAgent").asText().equals(NodeReconciler.USER_AGENT)
          && MUTATING.contains(e.path("verb").asText())
          && !uri.contains("dryRun=All")) {
        out.add(
            e.path("verb").asText()
                + " "
                + uri
                + " -> "
                + e.path("responseStatus").path("code").asText());
      }
    }
    return out;
  }

  /** The tool's dry-run requests since the window opened (those the check above lets through). */
  long toolDryRuns() throws IOException {
    return auditEvents().stream()
        .filter(e -> TOOL_USER.equals(e.path("user").path("username").asText()))
        .filter(e -> e.path("requestURI").asText().contains("dryRun=All"))
        .count();
  }

  /** The mutating AWS calls since the window opened, as "service operation (caller)". */
  List<String> awsWrites() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode c : awsCalls()) {
      if (c.path("mutating").asBoolean()) {
        out.add(
            c.path("service").asText()
                + " "
                + c.path("operation").asText()
                + " ("
                + c.path("caller").asText()
                + ")");
      }
    }
    return out;
  }

  /**
   * The pods ("ns/name") the tool evicted for real (not a dry-run) with success, in requests the
   * API server received before {@code until}.
   */
  Set<String> evictedByTool(Instant until) throws IOException {
    Set<String> out = new java.util.TreeSet<>();
    for (JsonNode e : auditEvents()) {
      JsonNode ref = e.path("objectRef");
      int code = e.path("responseStatus").path("code").asInt();
      if (TOOL_USER.equals(e.path("user").path("username").asText())
          && "create".equals(e.path("verb").asText())
          && "pods".equals(ref.path("resource").asText())
          && "eviction".equals(ref.path("subresource").asText())
          && !e.path("requestURI").asText().contains("dryRun=All")
          && code >= 200
          && code < 300
          && Instant.parse(e.path("requestReceivedTimestamp").asText()).isBefore(until)) {
        out.add(ref.path("namespace").asText() + "/" + ref.path("name").asText());
      }
    }
    return out;
  }

  private static long size(Path file) throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  /**
   * The whole lines appended to {@code file} after byte {@code from}; a line being written is left
   * out.
   */
  private static List<JsonNode> lines(Path file, long from) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    byte[] bytes;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      bytes = new byte[(int) Math.max(0, length - from)];
      in.seek(from);
      in.readFully(bytes);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return out;
    }
    for (String line : text.substring(0, end).split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
