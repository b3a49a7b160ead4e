package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.spi.ValueType;
import java.util.Optional;

/** Converts param values given on the command line or in files to their declared types. */
public final class ParamValues {
  private ParamValues() {}

  /** The value of {@code node} as {@code type}, or empty when it is not one. */
  public static Optional<Object> fromJson(JsonNode node, ValueType type) {
    switch (type) {
      case STRING:
        return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
      case INTEGER:
        return node.isIntegralNumber() && node.canConvertToLong()
            ? Optional.of(node.asLong())
            : Optional.empty();
      case NUMBER:
        return node.isNumber()
            ? Optional.of(
                node.isIntegralNumber() ? (Object) node.asLong() : (Object) node.asDouble())
            : Optional.empty();
      case BOOLEAN:
        return node.isBoolean() ? Optional.of(node.asBoolean()) : Optional.empty();
      default:
        return Optional.empty();
    }
  }

  /** The value of command-line text {@code text} as {@code type}, or empty when it is not one. */
  public static Optional<Object> fromText(String text, ValueType type) {
    try {
      switch (type) {
        case STRING:
          return Optional.of(text);
        case INTEGER:
          return Optional.of(Long.parseLong(text.trim()));
        case NUMBER:
          String t = text.trim();
          if (t.matches("-?[0-9]+")) {
            return Optional.of(Long.parseLong(t));
          }
          // Plain decimals only: no NaN, Infinity or hexadecimal floats.
          return t.matches("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")
              ? Optional.of(Double.parseDouble(t))
              : Optional.empty();
        case BOOLEAN:
          String b = text.trim().toLowerCase(java.util.Locale.ROOT);
          if (b.equals("true") || b.equals("false")) {
            return Optional.of(Boolean.parseBoolean(b));
          }
          return Optional.empty();
        default:
          return Optional.empty();
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
