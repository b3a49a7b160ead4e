package io.eksscheduler.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {
  private final SchemaCheck schemas = new SchemaCheck();

  private static JsonNode playbookWithUnknownKeyInWith() throws Exception {
    return new ObjectMapper()
        .readTree(
            "{\"apiVersion\": \"eks-scheduler/v1\", \"kind\": \"Playbook\","
                + " \"metadata\": {\"name\": \"p\"},"
                + " \"steps\": [{\"id\": \"a\", \"action\": \"sleep\","
                + " \"with\": {\"duration\": \"1s\", \"bogus\": 1}}]}");
  }

  private static List<String> locations(JsonSchema schema, JsonNode value) {
    return schema.validate(value).stream()
        .map(m -> m.getInstanceLocation().toString())
        .sorted()
        .toList();
  }

  @Test
  void playbookSchemaChecksEachStepsWithByItsAction() throws Exception {
    assertEquals(
        List.of("/steps/0/with"),
        locations(schemas.schema(PlaybookLoader.PLAYBOOK_SCHEMA), playbookWithUnknownKeyInWith()));
  }

  @Test
  void schemaWithoutThePartLeavesItUnchecked() throws Exception {
    JsonSchema withoutDispatch =
        schemas.schemaWithout(PlaybookLoader.PLAYBOOK_SCHEMA, "/definitions/step/allOf");
    assertEquals(List.of(), locations(withoutDispatch, playbookWithUnknownKeyInWith()));
  }

  @Test
  void schemaWithoutAPartThatIsNotThereIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> schemas.schemaWithout(PlaybookLoader.PLAYBOOK_SCHEMA, "/definitions/nothing"));
  }
}
