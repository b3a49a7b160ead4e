package io.eksscheduler.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.spi.Effect;
import io.eksscheduler.engine.spi.Plan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A dry-run's JSON plan line carries everything a program needs to compare it with the run. */
class JsonPlanTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aPlanLineCarriesUnchangedInexactAndEffects() throws Exception {
    Step step = PlanTextTest.step("drain", "nodes.drain");
    Effect cordoned = () -> "cordon node a";
    Plan plan =
        new Plan(List.of("cordon node a"), Map.of("nodes", List.of("a"), "evicted", 3L))
            .withUnchanged(List.of("node b is already cordoned"))
            .withInexact(Map.of("evicted", "a budget may clear"))
            .withEffects(List.of(cordoned));
    StringWriter text = new StringWriter();
    JsonOutput out = new JsonOutput(new PrintWriter(text), Clock.systemUTC());
    Playbook playbook =
        new Playbook(
            "pb.yaml", "pb", "", Map.of(), 4, Optional.empty(), List.of(step), List.of(), null);
    out.dryRun(
        playbook,
        Map.of(),
        List.of(new DryRun.StepPreview(step, 0, false, Optional.of(plan), null)));

    JsonNode line = JSON.readTree(text.toString().strip());
    assertEquals("plan", line.path("type").asText());
    assertEquals(JSON.readTree("[\"cordon node a\"]"), line.path("changes"));
    assertEquals(JSON.readTree("[\"node b is already cordoned\"]"), line.path("unchanged"));
    assertEquals(JSON.readTree("{\"evicted\":3,\"nodes\":[\"a\"]}"), line.path("predictedOutputs"));
    assertEquals(JSON.readTree("{\"evicted\":\"a budget may clear\"}"), line.path("inexact"));
    assertEquals(JSON.readTree("[\"cordon node a\"]"), line.path("effects"));
  }
}
