package io.eksscheduler.engine.run;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Masks the values a step read from {@code env.NAME} wherever the step's results would be written:
 * outputs, errors, log lines. Values from the environment may be secrets, and the contract says
 * they are never written to state or events (GitHub Actions masks the same way).
 */
final class Secrets {
  /** Shorter values would mask ordinary words; they are not treated as secrets. */
  private static final int MIN_LENGTH = 4;

  static final Secrets NONE = new Secrets(Set.of());

  private final List<String> values;

  Secrets(Collection<String> values) {
    List<String> list = new ArrayList<>();
    for (String v : values) {
      if (v != null && v.length() >= MIN_LENGTH) {
        list.add(v);
      }
    }
    // Longest first, so a value containing another is masked whole.
    list.sort((a, b) -> b.length() - a.length());
    this.values = List.copyOf(list);
  }

  String mask(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : values) {
      out = out.replace(v, "***");
    }
    return out;
  }

  /** A copy of a plain JSON-like value with every string masked. */
  Object maskValue(Object value) {
    if (values.isEmpty()) {
      return value;
    }
    if (value instanceof String s) {
      return mask(s);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(maskValue(v)));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), maskValue(v)));
      return out;
    }
    return value;
  }

  Map<String, Object> maskAll(Map<String, Object> outputs) {
    Map<String, Object> out = new LinkedHashMap<>();
    outputs.forEach((k, v) -> out.put(k, maskValue(v)));
    return out;
  }
}
