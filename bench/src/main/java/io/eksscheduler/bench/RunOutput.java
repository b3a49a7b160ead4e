package io.eksscheduler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code eks-scheduler stop --output json} printed: each step's status and duration (from its
 * events) and outputs (from the summary), and the run's status.
 */
record StopOutput(String status, Map<String, Step> steps) {

  /** One step: its status, how long it ran, its outputs. */
  record Step(String status, Duration took, JsonNode outputs) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static StopOutput parse(String stdout) throws IOException {
    Map<String, Instant> started = new LinkedHashMap<>();
    Map<String, Duration> took = new LinkedHashMap<>();
    String status = "unknown (no summary printed)";
    Map<String, Step> steps = new LinkedHashMap<>();
    for (String line : stdout.lines().filter(l -> l.startsWith("{")).toList()) {
      JsonNode event = JSON.readTree(line);
      String type = event.path("type").asText();
      String step = event.path("step").asText();
      switch (type) {
        case "step-started" -> started.put(step, Instant.parse(event.path("time").asText()));
        case "step-succeeded", "step-failed", "step-skipped", "step-cancelled" -> {
          Instant start = started.get(step);
          if (start != null) {
            took.put(step, Duration.between(start, Instant.parse(event.path("time").asText())));
          }
        }
        case "summary" -> {
          status = event.path("status").asText();
          for (JsonNode s : event.path("steps")) {
            String id = s.path("id").asText();
            steps.put(
                id,
                new Step(
                    s.path("status").asText(),
                    took.getOrDefault(id, Duration.ZERO),
                    s.path("outputs")));
          }
        }
        default -> {}
      }
    }
    return new StopOutput(status, steps);
  }
}
