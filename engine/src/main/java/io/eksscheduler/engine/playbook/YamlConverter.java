package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Turns composed YAML nodes into JSON, remembering where each value and key stood, and counting
 * every node so aliases cannot expand unbounded.
 */
final class YamlConverter {
  private final YamlLimits limits;
  private final String file;
  private final List<Problem> problems;
  final Map<String, Position> values = new HashMap<>();
  final Map<String, Position> keys = new HashMap<>();
  final Map<String, Integer> scalarStyles = new HashMap<>();
  private int nodes;

  YamlConverter(YamlLimits limits, String file, List<Problem> problems) {
    this.limits = limits;
    this.file = file;
    this.problems = problems;
  }

  JsonNode convert(Node node, String pointer, int depth) {
    Position at = YamlReader.position(node.getStartMark());
    if (++nodes > limits.maxNodes()) {
      throw new TooLarge(
          "document expands to more than "
              + limits.maxNodes()
              + " values (aliases followed): a YAML bomb is refused",
          at);
    }
    if (depth > limits.maxDepth()) {
      throw new TooLarge("document nests deeper than " + limits.maxDepth() + " levels", at);
    }
    values.putIfAbsent(pointer, at);
    if (node instanceof MappingNode mapping) {
      return mapping(mapping, pointer, depth);
    }
    if (node instanceof SequenceNode sequence) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      int i = 0;
      for (Node item : sequence.getValue()) {
        array.add(convert(item, pointer + "/" + i++, depth + 1));
      }
      return array;
    }
    ScalarNode scalar = (ScalarNode) node;
    JsonNode value = scalar(scalar);
    if (value.isTextual()) {
      ScalarStyle style = scalar.getScalarStyle();
      if (style == ScalarStyle.PLAIN) {
        scalarStyles.put(pointer, 0);
      } else if (style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED) {
        scalarStyles.put(pointer, 1);
      }
    }
    return value;
  }

  private ObjectNode mapping(MappingNode mapping, String pointer, int depth) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    List<Node> mergeSources = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      Position keyAt = YamlReader.position(keyNode.getStartMark());
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        problems.add(Problem.at(file, keyAt, "a key must be a plain value, not a collection"));
        continue;
      }
      if (Tag.MERGE.equals(keyNode.getTag())) {
        Node source = tuple.getValueNode();
        mergeSources.addAll(source instanceof SequenceNode seq ? seq.getValue() : List.of(source));
        continue;
      }
      String key = keyScalar.getValue();
      String child = pointer + "/" + YamlTree.segment(key);
      if (object.has(key)) {
        problems.add(
            Problem.at(
                file,
                keyAt,
                "duplicate key '" + key + "' (first at line " + keys.get(child).line() + ")"));
        continue;
      }
      keys.put(child, keyAt);
      object.set(key, convert(tuple.getValueNode(), child, depth + 1));
    }
    // YAML merge keys (<<: *defaults): keys written in the mapping itself win.
    for (Node source : mergeSources) {
      if (!(source instanceof MappingNode)) {
        problems.add(
            Problem.at(
                file,
                YamlReader.position(source.getStartMark()),
                "a merge key '<<' needs a mapping to merge"));
        continue;
      }
      convert(source, pointer, depth)
          .fields()
          .forEachRemaining(e -> object.putIfAbsent(e.getKey(), e.getValue()));
    }
    return object;
  }

  private JsonNode scalar(ScalarNode scalar) {
    Tag tag = scalar.getTag();
    String text = scalar.getValue();
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (Tag.NULL.equals(tag)) {
      return f.nullNode();
    }
    if (Tag.BOOL.equals(tag)) {
      return f.booleanNode(text.equalsIgnoreCase("true"));
    }
    if (Tag.INT.equals(tag)) {
      try {
        BigInteger value = parseInteger(text);
        return value.bitLength() < 64 ? f.numberNode(value.longValue()) : f.numberNode(value);
      } catch (NumberFormatException e) {
        return f.textNode(text);
      }
    }
    if (Tag.FLOAT.equals(tag)) {
      try {
        return f.numberNode(Double.parseDouble(text.replace("_", "")));
      } catch (NumberFormatException e) {
        return f.textNode(text);
      }
    }
    return f.textNode(text);
  }

  private BigInteger parseInteger(String text) {
    String t = text.replace("_", "");
    boolean negative = t.startsWith("-");
    if (t.startsWith("+") || t.startsWith("-")) {
      t = t.substring(1);
    }
    BigInteger value;
    if (t.startsWith("0x")) {
      value = new BigInteger(t.substring(2), 16);
    } else if (t.startsWith("0o")) {
      value = new BigInteger(t.substring(2), 8);
    } else {
      value = new BigInteger(t);
    }
    return negative ? value.negate() : value;
  }

  /** The document expands beyond the limits; {@code position} is where. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Position position;

    TooLarge(String message, Position position) {
      super(message, null, false, false);
      this.position = position;
    }
  }
}
