package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.eksscheduler.engine.spi.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Checks JSON values against the project's JSON Schemas (draft-07) and places each violation at the
 * offending node, in words a user understands.
 *
 * <p>Schemas load from the classpath under {@code schemas/}, so relative {@code $ref}s between them
 * resolve exactly as they do for an editor reading the files from disk.
 */
public final class SchemaCheck {
  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
  private final SchemaValidatorsConfig config =
      SchemaValidatorsConfig.builder()
          .pathType(PathType.JSON_POINTER)
          .locale(Locale.ENGLISH)
          .build();
  private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

  /**
   * The schema at classpath resource {@code resource}, e.g. {@code schemas/playbook.schema.json}.
   */
  public JsonSchema schema(String resource) {
    return schemas.computeIfAbsent(
        resource, r -> factory.getSchema(SchemaLocation.of("classpath:" + r), config));
  }

  /**
   * Validates {@code value} against {@code resource}; problems are placed through {@code tree},
   * with {@code basePointer} the pointer of {@code value} inside the tree's document.
   */
  public List<Problem> check(
      String resource, JsonNode value, String file, YamlTree tree, String basePointer) {
    return check(resource, value, file, tree, basePointer, pointer -> false);
  }

  /** As {@link #check(String, JsonNode, String, YamlTree, String)}, skipping some locations. */
  public List<Problem> check(
      String resource,
      JsonNode value,
      String file,
      YamlTree tree,
      String basePointer,
      Predicate<String> skip) {
    return check(schema(resource), value, file, tree, basePointer, skip);
  }

  /**
   * The schema at classpath resource {@code resource} with the part at {@code removed} (a JSON
   * pointer into the schema document) left out, for a caller that checks that part another way. Its
   * {@code $ref}s and schema locations stay those of the resource.
   */
  JsonSchema schemaWithout(String resource, String removed) {
    return schemas.computeIfAbsent(
        resource + "#-" + removed,
        key -> {
          ObjectNode document = document(resource);
          int last = removed.lastIndexOf('/');
          JsonNode parent = document.at(removed.substring(0, last));
          if (!(parent instanceof ObjectNode object)
              || object.remove(removed.substring(last + 1)) == null) {
            throw new IllegalArgumentException(resource + " has nothing at " + removed);
          }
          return factory.getSchema(SchemaLocation.of("classpath:" + resource), document, config);
        });
  }

  private static ObjectNode document(String resource) {
    try (InputStream in = SchemaCheck.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no schema " + resource + " on the classpath");
      }
      return (ObjectNode) new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading schema " + resource + ": " + e.getMessage(), e);
    }
  }

  List<Problem> check(
      JsonSchema schema,
      JsonNode value,
      String file,
      YamlTree tree,
      String basePointer,
      Predicate<String> skip) {
    Set<ValidationMessage> messages = new java.util.HashSet<>(schema.validate(value));
    messages.removeIf(m -> skip.test(basePointer + m.getInstanceLocation().toString()));
    return toProblems(messages, file, tree, basePointer);
  }

  /** Validates {@code value} against {@code resource}; returns the messages without positions. */
  public List<String> check(String resource, JsonNode value) {
    return schema(resource).validate(value).stream()
        .map(m -> describePath(m.getInstanceLocation().toString()) + describe(m))
        .sorted()
        .collect(Collectors.toList());
  }

  /**
   * The type errors that {@code value} (the document at {@code basePointer}) has at {@code
   * pointers}, each as "POINTER\tthis takes TYPE".
   */
  public List<String> typeErrors(
      String resource, JsonNode value, String basePointer, java.util.Collection<String> pointers) {
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : schema(resource).validate(value)) {
      String pointer = basePointer + m.getInstanceLocation().toString();
      if ("type".equals(m.getType()) && pointers.contains(pointer)) {
        out.add(
            pointer
                + "\t"
                + describePath(pointer.substring(basePointer.length()))
                    .replaceFirst("^(.*): $", "'$1'")
                + " takes "
                + expectedType(m));
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  private List<Problem> toProblems(
      Set<ValidationMessage> messages, String file, YamlTree tree, String basePointer) {
    Map<String, Problem> unique = new LinkedHashMap<>();
    for (ValidationMessage m : messages) {
      String pointer = basePointer + m.getInstanceLocation().toString();
      if ("enum".equals(m.getType()) && pointer.matches(".*/(steps|finally)/[0-9]+/action")) {
        // Unknown actions are reported by the reference check, with a suggestion.
        continue;
      }
      Position at;
      String message;
      if ("additionalProperties".equals(m.getType()) && m.getProperty() != null) {
        String child = pointer + "/" + YamlTree.segment(m.getProperty());
        at = tree.keyAt(child);
        message = describePath(pointer) + describe(m);
      } else if ("propertyNames".equals(m.getType()) && m.getProperty() != null) {
        at = tree.keyAt(pointer + "/" + YamlTree.segment(m.getProperty()));
        message = describePath(pointer) + badName(pointer, m.getProperty());
      } else if ("required".equals(m.getType())) {
        at = tree.keyAt(pointer);
        message = describePath(pointer) + describe(m);
      } else {
        at = tree.valueAt(pointer);
        message = describePath(pointer) + describe(m);
      }
      Problem p = Problem.at(file, at, message);
      unique.putIfAbsent(p.toString(), p);
    }
    return new ArrayList<>(unique.values());
  }

  private static String badName(String pointer, String name) {
    return pointer.equals("/schedules")
        ? "'" + name + "' is not a valid schedule name: " + DNS_LABEL
        : "'" + name + "' is not a valid param name: use letters, digits and '_'";
  }

  private static final String DNS_LABEL = "use lower-case letters, digits and '-', at most 63";

  /** Messages for the fleet file's patterns, by the schema location's tail. */
  private static final Map<String, String> FLEET_PATTERNS = fleetPatterns();

  private static Map<String, String> fleetPatterns() {
    Map<String, String> m = new LinkedHashMap<>();
    // Longest first: clockTime is a prefix of clockTimeOrMidnight.
    m.put("/definitions/clockTimeOrMidnight", "is not a time: write HH:MM, 00:00 to 24:00");
    m.put("/definitions/clockTime", "is not a time: write HH:MM, 00:00 to 23:59");
    m.put(
        "/definitions/days",
        "is not days: write Mon, Tue, Wed, Thu, Fri, Sat or Sun, ranges such as Mon-Fri or"
            + " Fri-Mon, lists such as Sat,Sun");
    m.put("/definitions/date", "is not a date: write YYYY-MM-DD");
    m.put("/definitions/scheduleName", "is not a valid schedule name: " + DNS_LABEL);
    m.put(
        "/properties/calendar",
        "is not a calendar: an ISO 3166-1 country (DE, US) or ISO 3166-2 subdivision (DE-BY,"
            + " US-CA), upper case");
    m.put("/definitions/cluster/properties/region", "is not an AWS Region such as eu-west-1");
    m.put(
        "/definitions/cluster/properties/roleArn",
        "is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
    m.put(
        "/definitions/cluster/properties/name",
        "is not an EKS cluster name: letters, digits, '-' and '_', from a letter or digit");
    m.put("/properties/env", "is not an environment variable name");
    return m;
  }

  /** "steps[2].with: " for a pointer, "" for the root. */
  public static String describePath(String pointer) {
    if (pointer.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String part : pointer.substring(1).split("/", -1)) {
      String name = part.replace("~1", "/").replace("~0", "~");
      if (name.matches("[0-9]+")) {
        out.append('[').append(name).append(']');
      } else {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(name);
      }
    }
    return out + ": ";
  }

  private static String describe(ValidationMessage m) {
    Object[] args = m.getArguments() == null ? new Object[0] : m.getArguments();
    JsonNode schemaNode = m.getSchemaNode();
    switch (m.getType()) {
      case "additionalProperties":
        return "unknown key '" + m.getProperty() + "'";
      case "required":
        return "missing required key '" + m.getProperty() + "'";
      case "type":
        return "expected " + expectedType(m) + ", got " + found(m.getInstanceNode());
      case "pattern":
        return patternMessage(m);
      case "enum":
        return "must be one of "
            + (schemaNode == null ? Arrays.toString(args) : join(schemaNode))
            + ", got "
            + m.getInstanceNode();
      case "const":
        return "must be "
            + (schemaNode == null ? "" : schemaNode.toString())
            + ", got "
            + m.getInstanceNode();
      default:
        return m.getError() == null ? m.getMessage() : m.getError();
    }
  }

  private static String expectedType(ValidationMessage m) {
    JsonNode type = m.getSchemaNode();
    if (type != null && type.isArray()) {
      List<String> names = new ArrayList<>();
      type.forEach(t -> names.add(t.asText()));
      if (names.remove("string") && isExpressionSchema(m)) {
        return String.join(" or ", names) + " (or an expression ${{ }})";
      }
      return String.join(" or ", names);
    }
    return type == null ? "another type" : type.asText();
  }

  private static boolean isExpressionSchema(ValidationMessage m) {
    return m.getSchemaLocation() != null
        && m.getSchemaLocation().toString().contains("OrExpression");
  }

  private static String patternMessage(ValidationMessage m) {
    String location = m.getSchemaLocation() == null ? "" : m.getSchemaLocation().toString();
    String value = m.getInstanceNode() == null ? "" : m.getInstanceNode().asText();
    if (location.contains("/definitions/duration")) {
      return Durations.badDuration(value);
    }
    if (location.contains("/definitions/durationOrExpression")) {
      return Durations.badDuration(value) + ", or an expression ${{ }}";
    }
    if (location.contains("/definitions/integerOrExpression")) {
      return "expected an integer or an expression ${{ }}, got '" + value + "'";
    }
    if (location.contains("/definitions/booleanOrExpression")) {
      return "expected true, false or an expression ${{ }}, got '" + value + "'";
    }
    if (location.contains("/definitions/stringListOrExpression")) {
      return "expected a list of strings or an expression ${{ }}, got '" + value + "'";
    }
    if (location.contains("OrExpression") || location.contains("/definitions/expression")) {
      return "expected an expression ${{ }}, got '" + value + "'";
    }
    for (Map.Entry<String, String> e : FLEET_PATTERNS.entrySet()) {
      if (location.contains("fleet.schema.json") && location.contains(e.getKey() + "/")) {
        return "'" + value + "' " + e.getValue();
      }
    }
    if (location.contains("/definitions/stepId") || location.endsWith("/id/pattern")) {
      return "'" + value + "' is not a valid step id: use lower-case letters, digits and '-'";
    }
    if (location.contains("/metadata/properties/name")) {
      return "'"
          + value
          + "' is not a DNS-1123 label: use lower-case letters, digits and '-', at most 63";
    }
    if (location.contains("propertyNames")) {
      return "'" + value + "' is not a valid param name: use letters, digits and '_'";
    }
    return m.getError() == null ? m.getMessage() : m.getError();
  }

  private static String join(JsonNode values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(v.isTextual() ? v.asText() : v.toString()));
    return String.join(", ", out);
  }

  private static String found(JsonNode node) {
    if (node == null) {
      return "nothing";
    }
    if (node.isTextual()) {
      return "string '" + node.asText() + "'";
    }
    if (node.isIntegralNumber()) {
      return "integer " + node;
    }
    if (node.isNumber()) {
      return "number " + node;
    }
    if (node.isBoolean()) {
      return "boolean " + node;
    }
    if (node.isNull()) {
      return "null";
    }
    return node.isArray() ? "a list" : "a mapping";
  }
}
