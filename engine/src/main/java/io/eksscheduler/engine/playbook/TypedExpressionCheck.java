package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the static type of each whole expression in a step's {@code with} against what its
 * action's schema takes there.
 */
final class TypedExpressionCheck {
  private final String file;
  private final YamlTree tree;
  private final ActionRegistry actions;
  private final SchemaCheck schemas;
  private final Map<String, ValueType> wholeExpressionTypes;
  private final List<Problem> problems;

  /**
   * @param wholeExpressionTypes the static type of each whole expression ({@code ${{ }}} alone)
   *     found so far, by JSON pointer
   */
  TypedExpressionCheck(
      String file,
      YamlTree tree,
      ActionRegistry actions,
      SchemaCheck schemas,
      Map<String, ValueType> wholeExpressionTypes,
      List<Problem> problems) {
    this.file = file;
    this.tree = tree;
    this.actions = actions;
    this.schemas = schemas;
    this.wholeExpressionTypes = wholeExpressionTypes;
    this.problems = problems;
  }

  /**
   * Checks each whole expression's static type against what the action's schema takes there, by
   * validating a copy of {@code with} in which each such expression is replaced by a sample value
   * of its type: `duration: ${{ params.replicas }}` is an error at load, not at run time.
   */
  void check(Step step) {
    Optional<Action<?>> action = actions.find(step.action());
    String base = step.pointer() + "/with";
    if (action.isEmpty() || !step.with().isObject()) {
      return;
    }
    Map<String, ValueType> typed = new HashMap<>();
    JsonNode sample = substitute(step.with(), base, typed);
    if (typed.isEmpty()) {
      return;
    }
    for (String message :
        schemas.typeErrors(action.get().withSchema(), sample, base, typed.keySet())) {
      int split = message.indexOf('\t');
      String pointer = message.substring(0, split);
      problems.add(
          Problem.at(
              file,
              tree.valueAt(pointer),
              "the expression gives "
                  + ValueType.article(typed.get(pointer))
                  + ", but "
                  + message.substring(split + 1)));
    }
  }

  private JsonNode substitute(JsonNode node, String pointer, Map<String, ValueType> typed) {
    ValueType type = wholeExpressionTypes.get(pointer);
    if (node.isTextual() && type != null && type != ValueType.ANY && type != ValueType.STRING) {
      typed.put(pointer, type);
      JsonNodeFactory f = JsonNodeFactory.instance;
      switch (type) {
        case INTEGER:
          return f.numberNode(1L);
        case NUMBER:
          return f.numberNode(1.5);
        case BOOLEAN:
          return f.booleanNode(true);
        case ARRAY:
          return f.arrayNode();
        default:
          return f.objectNode();
      }
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields()
          .forEachRemaining(
              e ->
                  copy.set(
                      e.getKey(),
                      substitute(
                          e.getValue(), pointer + "/" + YamlTree.segment(e.getKey()), typed)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        copy.add(substitute(node.get(i), pointer + "/" + i, typed));
      }
      return copy;
    }
    return node;
  }
}
