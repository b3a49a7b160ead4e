package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The CI pipelines of examples/ci/ are valid against the schemas their platforms publish (vendored
 * in src/test/resources/ci-schemas/, see its README), and run exactly one reconcile per cluster
 * with the cluster's jobs kept apart.
 */
class CiExamplesTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).getParent().resolve("examples/ci");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode yaml(Path file) throws Exception {
    Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    return JSON.valueToTree(doc);
  }

  private static Set<ValidationMessage> validate(String schema, JsonNode doc) throws Exception {
    try (InputStream in = CiExamplesTest.class.getResourceAsStream("/ci-schemas/" + schema)) {
      JsonSchema s =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
      return s.validate(doc);
    }
  }

  @Test
  void theGitHubWorkflowIsValidAndKeepsEachClustersJobsApart() throws Exception {
    JsonNode workflow = yaml(EXAMPLES.resolve("github-actions.yml"));
    assertEquals(Set.of(), validate("github-workflow.json", workflow));
    // The vendored schema does reject a broken workflow.
    JsonNode broken = workflow.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("jobs").path("reconcile"))
        .put("runs-on", 3);
    assertTrue(!validate("github-workflow.json", broken).isEmpty());
    JsonNode job = workflow.path("jobs").path("reconcile");
    assertEquals(
        "eks-scheduler-${{ matrix.cluster }}", job.path("concurrency").path("group").asText());
    String run = job.path("steps").get(2).path("run").asText();
    assertTrue(
        run.contains(
            "reconcile --fleet /fleet/fleet.yaml --cluster \"$CLUSTER\" --eks-login --state"
                + " kubernetes"),
        run);
    assertTrue(workflow.path("on").path("schedule").get(0).path("cron").isTextual());
  }

  @Test
  void theGitLabPipelineIsValidRunsOnSchedulesAndKeepsEachClustersJobsApart() throws Exception {
    JsonNode pipeline = yaml(EXAMPLES.resolve("gitlab-ci.yml"));
    assertEquals(Set.of(), validate("gitlab-ci.json", pipeline));
    JsonNode broken = pipeline.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("reconcile"))
        .put("when", "sometimes");
    assertTrue(!validate("gitlab-ci.json", broken).isEmpty());
    assertEquals(
        "$CI_PIPELINE_SOURCE == \"schedule\"",
        pipeline.path("workflow").path("rules").get(0).path("if").asText());
    JsonNode job = pipeline.path("reconcile");
    assertEquals("eks-scheduler-$CLUSTER", job.path("resource_group").asText());
    assertEquals(
        List.of(4), JSON.convertValue(job.path("allow_failure").path("exit_codes"), List.class));
    assertTrue(
        job.path("script")
            .get(2)
            .asText()
            .endsWith(
                "reconcile --fleet fleet.yaml --cluster \"$CLUSTER\" --eks-login --state kubernetes"));
  }
}
