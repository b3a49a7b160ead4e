package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A YAML document as a JSON tree, remembering where each value and key stood in the source.
 *
 * @param root the document
 * @param values the position of each value, by JSON pointer ("" is the root)
 * @param keys the position of each mapping key, by the JSON pointer of its value
 * @param scalarStyles for string values, how many characters precede the text on its line (1 for a
 *     quoted scalar, 0 for a plain one), by JSON pointer; absent for block scalars
 */
public record YamlTree(
    JsonNode root,
    Map<String, Position> values,
    Map<String, Position> keys,
    Map<String, Integer> scalarStyles) {

  /** Where the value at {@code pointer} starts, or its nearest known ancestor. */
  public Position valueAt(String pointer) {
    String p = pointer;
    while (true) {
      Position found = values.get(p);
      if (found != null) {
        return found;
      }
      if (p.isEmpty()) {
        return Position.START;
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** Where the key of the value at {@code pointer} stands, or the value itself. */
  public Position keyAt(String pointer) {
    Position key = keys.get(pointer);
    return key != null ? key : valueAt(pointer);
  }

  /**
   * Where character {@code offset} of the string at {@code pointer} stands, exact for single-line
   * plain and quoted scalars, the scalar's start otherwise.
   */
  public Position charAt(String pointer, int offset) {
    Position start = valueAt(pointer);
    Integer lead = scalarStyles.get(pointer);
    return lead == null ? start : start.plusColumns(lead + offset);
  }

  /** Escapes one JSON pointer segment (RFC 6901). */
  public static String segment(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
