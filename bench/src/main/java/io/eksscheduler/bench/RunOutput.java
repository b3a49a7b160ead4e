package io.eksscheduler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code eks-scheduler stop|start --output json} printed: each step's status and duration
 * (from its events), outputs (from the summary) and log lines, and the run's status.
 */
record RunOutput(String status, Map<String, Step> steps) {

  /** One step: its status, how long it ran, its outputs, its log lines in order. */
  record Step(String status, Duration took, JsonNode outputs, List<Log> logs) {}

  /** A line a step logged, and when. */
  record Log(Instant time, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static RunOutput parse(String stdout) throws IOException {
    Map<String, Instant> started = new LinkedHashMap<>();
    Map<String, Duration> took = new LinkedHashMap<>();
    String status = "unknown (no summary printed)";
    Map<String, Step> steps = new LinkedHashMap<>();
    Map<String, List<Log>> logs = new LinkedHashMap<>();
    for (String line : stdout.lines().filter(l -> l.startsWith("{")).toList()) {
      JsonNode event = JSON.readTree(line);
      String type = event.path("type").asText();
      String step = event.path("step").asText();
      switch (type) {
        case "step-started" -> started.put(step, Instant.parse(event.path("time").asText()));
        case "step-log" ->
            logs.computeIfAbsent(step, k -> new ArrayList<>())
                .add(
                    new Log(
                        Instant.parse(event.path("time").asText()),
                        event.path("message").asText()));
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
                    s.path("outputs"),
                    List.copyOf(logs.getOrDefault(id, List.of()))));
          }
        }
        default -> {}
      }
    }
    return new RunOutput(status, steps);
  }

  /** Prints each step's status, time and outputs, a line each. */
  void print(PrintStream out) {
    steps.forEach(
        (id, step) ->
            out.printf(
                "    %-18s %-10s %6.1f s  %s%n",
                id, step.status(), step.took().toMillis() / 1000.0, brief(step.outputs())));
  }

  /** Outputs in one line: scalars as they are, arrays by their size. */
  private static String brief(JsonNode outputs) {
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = outputs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String value =
          v.isArray() ? "[" + v.size() + "]" : v.isContainerNode() ? "{...}" : v.asText();
      parts.add(e.getKey() + "=" + value);
    }
    return String.join(" ", parts);
  }
}
