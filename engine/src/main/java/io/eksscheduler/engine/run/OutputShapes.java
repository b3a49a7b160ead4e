package io.eksscheduler.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.state.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives a step's outputs, predicted or returned, one shape: plain JSON values in which every list
 * is sorted, except the outer list of a {@link OutputSpec#sequence() sequence} output. So a
 * dry-run's predicted outputs and the run's outputs compare with plain JSON equality, and the same
 * outputs are stored the same way whatever order an action found things in.
 */
final class OutputShapes {
  private static final ObjectMapper JSON = Json.mapper();

  /** Orders values of any JSON type: null, booleans, numbers, strings, then the rest by text. */
  private static final Comparator<Object> ORDER =
      Comparator.comparingInt(OutputShapes::rank).thenComparing(OutputShapes::compareSameRank);

  private OutputShapes() {}

  /** {@code outputs} as plain JSON values (lists, maps, strings, numbers, booleans, null). */
  static Map<String, Object> plain(Map<String, Object> outputs) {
    Map<String, Object> out = new LinkedHashMap<>();
    outputs.forEach((k, v) -> out.put(k, Json.plain(v)));
    return out;
  }

  /** The plain {@code outputs} with their lists sorted as {@code specs} say. */
  static Map<String, Object> normalize(List<OutputSpec> specs, Map<String, Object> outputs) {
    Map<String, Object> out = new LinkedHashMap<>();
    outputs.forEach(
        (key, value) -> {
          boolean sequence = specs.stream().anyMatch(s -> s.name().equals(key) && s.sequence());
          out.put(key, shape(value, !sequence));
        });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object shape(Object value, boolean sortThis) {
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>();
      list.forEach(item -> items.add(shape(item, true)));
      if (sortThis) {
        items.sort(ORDER);
      }
      return items;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> fields = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((k, v) -> fields.put(k, shape(v, true)));
      return fields;
    }
    return value;
  }

  private static int rank(Object value) {
    if (value == null) {
      return 0;
    }
    if (value instanceof Boolean) {
      return 1;
    }
    if (value instanceof Number) {
      return 2;
    }
    return value instanceof String ? 3 : 4;
  }

  @SuppressWarnings("unchecked")
  private static int compareSameRank(Object a, Object b) {
    if (a == null) {
      return 0;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
    }
    if (a instanceof Comparable<?> x && a.getClass() == b.getClass()) {
      return ((Comparable<Object>) x).compareTo(b);
    }
    return text(a).compareTo(text(b));
  }

  private static String text(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON value: " + e.getOriginalMessage(), e);
    }
  }
}
