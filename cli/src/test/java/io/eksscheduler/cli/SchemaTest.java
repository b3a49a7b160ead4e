package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.eksscheduler.cli.testing.Cli;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Problem;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.playbook.YamlReader;
import io.eksscheduler.engine.spi.Action;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.everit.json.schema.Schema;
import org.everit.json.schema.ValidationException;
import org.everit.json.schema.loader.SchemaClient;
import org.everit.json.schema.loader.SchemaLoader;
import org.json.JSONObject;
import org.json.JSONTokener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playbook schema is the single source: complete, valid draft-07, usable by others. */
class SchemaTest {
  private static final Path SCHEMAS =
      Paths.get(System.getProperty("user.dir")).resolveSibling("schemas");
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode playbookSchema() throws Exception {
    return json.readTree(SCHEMAS.resolve("playbook.schema.json").toFile());
  }

  private static List<Action<?>> productActions() {
    List<Action<?>> actions = new ArrayList<>();
    for (Action<?> a : ActionRegistry.fromServiceLoader(SchemaTest.class.getClassLoader()).all()) {
      if (!a.name().startsWith("test.")) {
        actions.add(a);
      }
    }
    return actions;
  }

  @Test
  void theSchemaNamesEveryRegisteredActionAndChecksItsWith() throws Exception {
    JsonNode step = playbookSchema().path("definitions").path("step");
    TreeSet<String> enumNames = new TreeSet<>();
    step.path("properties").path("action").path("enum").forEach(n -> enumNames.add(n.asText()));
    TreeSet<String> conditional = new TreeSet<>();
    for (JsonNode rule : step.path("allOf")) {
      String name = rule.path("if").path("properties").path("action").path("const").asText();
      String ref = rule.path("then").path("properties").path("with").path("$ref").asText();
      assertEquals("actions/" + name + ".schema.json", ref);
      conditional.add(name);
    }
    TreeSet<String> registered = new TreeSet<>();
    for (Action<?> a : productActions()) {
      registered.add(a.name());
      assertEquals("schemas/actions/" + a.name() + ".schema.json", a.withSchema());
      assertTrue(Files.isRegularFile(SCHEMAS.resolve("actions/" + a.name() + ".schema.json")));
    }
    assertEquals(registered, enumNames);
    assertEquals(registered, conditional);
  }

  @Test
  void everySchemaFileIsValidDraft07() throws Exception {
    var meta =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft-07/schema"));
    try (Stream<Path> files = Files.walk(SCHEMAS)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonNode schema = json.readTree(f.toFile());
        assertEquals(
            "http://json-schema.org/draft-07/schema#",
            schema.path("$schema").asText(),
            f.toString());
        assertEquals(java.util.Set.of(), meta.validate(schema), f.toString());
      }
    }
  }

  @Test
  void anotherDraft07ValidatorAcceptsTheExampleAndRejectsAMistake() throws Exception {
    Schema schema = everit();
    schema.validate(asJson(SCHEMAS.resolveSibling("examples/hello.yaml")));
    JSONObject bad = asJson(SCHEMAS.resolveSibling("examples/hello.yaml"));
    bad.getJSONArray("steps").getJSONObject(0).getJSONObject("with").put("comand", "x");
    ValidationException e = assertThrows(ValidationException.class, () -> schema.validate(bad));
    assertTrue(e.getAllMessages().toString().contains("comand"), e.getAllMessages().toString());
  }

  @Test
  void anotherDraft07ValidatorAcceptsTheExampleFleetAndRejectsAMistake() throws Exception {
    Schema schema = everit("fleet.schema.json");
    schema.validate(asJson(SCHEMAS.resolveSibling("examples/fleets/non-prod.yaml")));
    JSONObject bad = asJson(SCHEMAS.resolveSibling("examples/fleets/non-prod.yaml"));
    bad.getJSONObject("schedules")
        .getJSONObject("office-hours")
        .getJSONArray("awake")
        .getJSONObject(0)
        .put("days", "Monday-Friday");
    ValidationException e = assertThrows(ValidationException.class, () -> schema.validate(bad));
    assertTrue(e.getAllMessages().toString().contains("days"), e.getAllMessages().toString());
  }

  @Test
  void theSchemaCommandPrintsTheFileOnDisk(@TempDir Path state) throws Exception {
    Cli.Result r = new Cli(state).run("schema");
    assertEquals(0, r.code());
    assertEquals(Files.readString(SCHEMAS.resolve("playbook.schema.json")), r.out());
    Cli.Result action = new Cli(state).run("schema", "actions/exec.schema.json");
    assertEquals(Files.readString(SCHEMAS.resolve("actions/exec.schema.json")), action.out());
  }

  private static Schema everit() throws Exception {
    return everit("playbook.schema.json");
  }

  private static Schema everit(String file) throws Exception {
    try (InputStream in = Files.newInputStream(SCHEMAS.resolve(file))) {
      return SchemaLoader.builder()
          .schemaClient(SchemaClient.classPathAwareClient())
          .resolutionScope(SCHEMAS.toUri().toString())
          .draftV7Support()
          .schemaJson(new JSONObject(new JSONTokener(in)))
          .build()
          .load()
          .build();
    }
  }

  private JSONObject asJson(Path yaml) throws Exception {
    List<Problem> problems = new ArrayList<>();
    JsonNode tree =
        new YamlReader(YamlLimits.DEFAULT)
            .read(yaml.toString(), Files.readString(yaml), problems)
            .orElseThrow()
            .root();
    assertEquals(List.of(), problems);
    assertNotNull(tree);
    return new JSONObject(json.writeValueAsString(tree));
  }
}
