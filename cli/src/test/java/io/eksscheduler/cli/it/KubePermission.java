package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One thing RBAC authorizes: a verb on a resource (or subresource) of an API group, {@code ""} for
 * the core group and for no subresource. Read from a ClusterRole's rules, or from the API server's
 * audit log, so the two can be compared.
 */
record KubePermission(String group, String resource, String subresource, String verb)
    implements Comparable<KubePermission> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "" : group + "/")
        + resource
        + (subresource.isEmpty() ? "" : "/" + subresource);
  }

  @Override
  public int compareTo(KubePermission o) {
    return toString().compareTo(o.toString());
  }

  /** Every permission the {@code rules} of a ClusterRole (as parsed YAML) grant. */
  @SuppressWarnings("unchecked")
  static Set<KubePermission> ofRules(List<Map<String, Object>> rules) {
    Set<KubePermission> out = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      for (String group : (List<String>) rule.get("apiGroups")) {
        for (String resource : (List<String>) rule.get("resources")) {
          String[] parts = resource.split("/", 2);
          for (String verb : (List<String>) rule.get("verbs")) {
            out.add(new KubePermission(group, parts[0], parts.length == 2 ? parts[1] : "", verb));
          }
        }
      }
    }
    return out;
  }

  /**
   * What {@code user} was authorized or refused by the API server, as its audit log records each
   * request; requests for non-resource paths ({@code /version}, discovery) are left out: no
   * ClusterRole rule of ours is about them.
   */
  static Set<KubePermission> ofAudit(Path auditLog, String user) throws IOException {
    return ofAudit(auditLog, user, Instant.EPOCH);
  }

  /** As {@link #ofAudit(Path, String)}, for the requests received at {@code from} or later. */
  static Set<KubePermission> ofAudit(Path auditLog, String user, Instant from) throws IOException {
    Set<KubePermission> out = new TreeSet<>();
    for (String line : Files.readAllLines(auditLog)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = JSON.readTree(line);
      JsonNode ref = event.path("objectRef");
      if (!user.equals(event.path("user").path("username").asText())
          || ref.isMissingNode()
          || Instant.parse(event.path("requestReceivedTimestamp").asText()).isBefore(from)) {
        continue;
      }
      out.add(
          new KubePermission(
              ref.path("apiGroup").asText(""),
              ref.path("resource").asText(),
              ref.path("subresource").asText(""),
              event.path("verb").asText()));
    }
    return out;
  }
}
