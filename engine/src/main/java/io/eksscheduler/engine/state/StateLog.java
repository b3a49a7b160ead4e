package io.eksscheduler.engine.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a run's state changes into small log entries and back: each transition appends only the
 * run's header and the steps it changed, so recording a transition costs the same at the first step
 * of a run as at its thousandth.
 */
public final class StateLog {
  private static final ObjectMapper JSON = Json.mapper();

  private StateLog() {}

  /** What changed from {@code before} to {@code after}: the run header and changed steps. */
  public static JsonNode delta(RunState before, RunState after) {
    ObjectNode change = JSON.createObjectNode();
    ObjectNode run = change.putObject("run");
    run.put("status", after.status().label());
    run.put("phase", after.phase());
    run.put("mainResult", after.mainResult());
    run.put("round", after.round());
    run.put("pid", after.pid());
    run.put("host", after.host());
    // The playbook changes only on a resume with --allow-changed; a store that keeps no snapshot
    // rebuilds the run from its events alone, so the change travels in the event.
    if (!java.util.Objects.equals(before.playbookDigest(), after.playbookDigest())
        || !java.util.Objects.equals(before.playbookFile(), after.playbookFile())) {
      run.put("playbookFile", after.playbookFile());
      run.put("playbookDigest", after.playbookDigest());
    }
    ObjectNode steps = change.putObject("steps");
    for (Map.Entry<String, StepState> e : after.steps().entrySet()) {
      StepState old = before.steps().get(e.getKey());
      StepState now = e.getValue();
      if (old == null || !old.withLedger(Map.of()).equals(now.withLedger(Map.of()))) {
        ObjectNode node = JSON.valueToTree(now.withLedger(Map.of()));
        node.remove("ledger"); // ledger entries travel as their own events
        steps.set(e.getKey(), node);
      }
    }
    return change;
  }

  /** {@code state} with {@code event} applied: a ledger entry, or a recorded change. */
  public static RunState apply(RunState state, Event event) {
    RunState next = state;
    if (event.step() != null
        && ("ledger-put".equals(event.type()) || "ledger-remove".equals(event.type()))) {
      StepState step = next.steps().get(event.step());
      if (step != null) {
        Map<String, JsonNode> ledger = new LinkedHashMap<>(step.ledger());
        if ("ledger-put".equals(event.type())) {
          ledger.put(event.key(), event.value());
        } else {
          ledger.remove(event.key());
        }
        next = next.withStep(event.step(), step.withLedger(ledger));
      }
    }
    JsonNode change = event.change();
    if (change != null && change.isObject()) {
      JsonNode run = change.path("run");
      next =
          next.withStatus(RunStatus.of(run.path("status").asText(next.status().label())))
              .withPhase(text(run, "phase"), text(run, "mainResult"))
              .withRound(run.path("round").asInt(next.round()))
              .withProcess(
                  run.path("pid").asLong(next.pid()), run.path("host").asText(next.host()));
      if (run.has("playbookDigest")) {
        next = next.withPlaybook(text(run, "playbookFile"), text(run, "playbookDigest"));
      }
      Iterator<Map.Entry<String, JsonNode>> steps = change.path("steps").fields();
      while (steps.hasNext()) {
        Map.Entry<String, JsonNode> e = steps.next();
        StepState old = next.steps().get(e.getKey());
        StepState now = JSON.convertValue(e.getValue(), StepState.class);
        next = next.withStep(e.getKey(), now.withLedger(old == null ? Map.of() : old.ledger()));
      }
    }
    return next.touched(event.time() == null ? next.updatedAt() : event.time(), event.seq());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
