package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.state.RunState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dry-run's predicted outputs ({@code --output json}) against the outputs the run then stored:
 * every predicted output the plan does not mark inexact must come out equal.
 */
final class Predictions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Predictions() {}

  /** The plan line of each step of a {@code --output json} dry-run, by step id. */
  static Map<String, JsonNode> plans(String output) throws Exception {
    Map<String, JsonNode> out = new TreeMap<>();
    for (String line : output.split("\\R")) {
      if (line.startsWith("{")) {
        JsonNode node = JSON.readTree(line);
        if ("plan".equals(node.path("type").asText())) {
          out.put(node.path("step").asText(), node);
        }
      }
    }
    return out;
  }

  /**
   * Each exact prediction of {@code plans} that differs from what {@code run} stored, as {@code
   * step.key: predicted X, the run returned Y}, and each output the run returned that a planned
   * step (other than {@code exec}) did not predict; empty when every one came out equal.
   */
  static List<String> differences(Map<String, JsonNode> plans, RunState run) throws Exception {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> p : plans.entrySet()) {
      if (!p.getValue().has("predictedOutputs")) {
        continue; // kept from the run continued, skipped, or not planned
      }
      JsonNode predicted = p.getValue().path("predictedOutputs");
      JsonNode inexact = p.getValue().path("inexact");
      // Read back from text, so that numbers compare by value whatever their Java type.
      JsonNode ran = JSON.readTree(JSON.writeValueAsString(run.step(p.getKey()).outputs()));
      if (!"exec".equals(p.getValue().path("action").asText())) {
        for (Iterator<String> keys = ran.fieldNames(); keys.hasNext(); ) {
          String key = keys.next();
          if (!predicted.has(key)) {
            out.add(p.getKey() + "." + key + ": not predicted, the run returned " + ran.get(key));
          }
        }
      }
      for (Iterator<String> keys = predicted.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!inexact.has(key) && !predicted.get(key).equals(ran.path(key))) {
          out.add(
              p.getKey()
                  + "."
                  + key
                  + ": predicted "
                  + predicted.get(key)
                  + ", the run returned "
                  + ran.path(key));
        }
      }
    }
    return out;
  }

  /**
   * Asserts that every exact prediction of {@code plans} held in {@code run}, and prints how many
   * outputs were predicted and how many inexact, with {@code label}.
   *
   * @return the two counts, as {@link #counts}
   */
  static int[] assertHeld(String label, Map<String, JsonNode> plans, RunState run)
      throws Exception {
    int[] counts = counts(plans);
    System.err.printf("[%s] predicted outputs: %d, inexact: %d%n", label, counts[0], counts[1]);
    assertEquals(List.of(), differences(plans, run), label + ": exact predictions the run broke");
    return counts;
  }

  /** How many predicted outputs {@code plans} holds, and how many of them are inexact. */
  static int[] counts(Map<String, JsonNode> plans) {
    int all = 0;
    int inexact = 0;
    for (JsonNode p : plans.values()) {
      all += p.path("predictedOutputs").size();
      inexact += p.path("inexact").size();
    }
    return new int[] {all, inexact};
  }
}
