package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunSummary;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Deletes the runs of the store not updated for the retention period: every object of such a run
 * (its head, chunks, parts) and its run Lease. Objects left by a run whose head was never written
 * go with them once as old. Done when a run is created; a failure here never fails the run.
 */
final class StoreRetention {
  private static final ObjectMapper JSON = Json.mapper();

  private final KubeRest rest;
  private final RunObjects objects;
  private final LeaseLocks leases;
  private final Clock clock;
  private final Duration retention;

  StoreRetention(
      KubeRest rest, RunObjects objects, LeaseLocks leases, Clock clock, Duration retention) {
    this.rest = rest;
    this.objects = objects;
    this.leases = leases;
    this.clock = clock;
    this.retention = retention;
  }

  /**
   * Deletes what is older than the retention, never run {@code keep}; returns the runs deleted. A
   * failure is said through {@code warn} and tried again when the next run is created.
   */
  int prune(String keep, Consumer<String> warn) {
    try {
      return pruneOrThrow(keep);
    } catch (IOException | RuntimeException e) {
      warn.accept("the runs older than " + retention.toDays() + " days were not deleted: " + e);
      return 0;
    }
  }

  private int pruneOrThrow(String keep) throws IOException {
    Instant cutoff = clock.instant().minus(retention);
    List<JsonNode> all = objects.listMetadata(StoreNames.MANAGED_BY + "=" + StoreNames.MANAGER);
    Map<String, Instant> newest = new HashMap<>();
    Map<String, Instant> updated = new HashMap<>();
    Map<String, String> runIds = new HashMap<>();
    for (JsonNode o : all) {
      JsonNode meta = o.path("metadata");
      String run = meta.path("labels").path(StoreNames.RUN).asText("");
      if (run.isEmpty()) {
        continue;
      }
      Instant when =
          Instant.parse(meta.path("creationTimestamp").asText(clock.instant().toString()));
      if ("head".equals(meta.path("labels").path(StoreNames.PART).asText())) {
        String id = meta.path("annotations").path(StoreNames.RUN_ID).asText("");
        runIds.put(run, id);
        try {
          RunSummary s =
              JSON.readValue(
                  meta.path("annotations").path(StoreNames.SUMMARY).asText(), RunSummary.class);
          if (s.updatedAt() != null) {
            updated.put(run, s.updatedAt());
          }
        } catch (IOException e) {
          // no readable summary: the objects' age decides
        }
      }
      newest.merge(run, when, (a, b) -> a.isAfter(b) ? a : b);
    }
    // A run's last update is what its summary says; objects without a head, their own age.
    newest.putAll(updated);
    String kept = StoreNames.runLabel(keep);
    int deleted = 0;
    for (Map.Entry<String, Instant> run : newest.entrySet()) {
      if (run.getKey().equals(kept) || !run.getValue().isBefore(cutoff)) {
        continue;
      }
      for (JsonNode o : all) {
        JsonNode meta = o.path("metadata");
        if (run.getKey().equals(meta.path("labels").path(StoreNames.RUN).asText(""))) {
          rest.delete(
              objects.collection() + "/" + meta.path("name").asText(),
              Map.of(
                  "apiVersion", "v1",
                  "kind", "DeleteOptions",
                  "preconditions", Map.of("uid", meta.path("uid").asText())));
        }
      }
      String id = runIds.get(run.getKey());
      if (id != null && !id.isEmpty() && leases.liveHolder(StoreNames.runLease(id), id).isEmpty()) {
        leases.delete(StoreNames.runLease(id));
      }
      deleted++;
    }
    return deleted;
  }
}
