package io.eksscheduler.sandbox.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a parsed YAML mapping that collect every problem (with its path) instead of
 * failing at the first, so a scenario author sees all mistakes at once.
 */
final class Fields {

  private final String source;
  private final String path;
  private final Map<String, Object> map;
  private final List<String> problems;

  Fields(String source, String path, Map<String, Object> map) {
    this(source, path, map, new ArrayList<>());
  }

  private Fields(String source, String path, Map<String, Object> map, List<String> problems) {
    this.source = source;
    this.path = path;
    this.map = map;
    this.problems = problems;
  }

  List<String> problems() {
    return problems;
  }

  private String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  String string(String key) {
    Object value = map.get(key);
    if (value == null) {
      problems.add(at(key) + " is required");
      return "";
    }
    return String.valueOf(value);
  }

  String stringOr(String key, String fallback) {
    Object value = map.get(key);
    return value == null ? fallback : String.valueOf(value);
  }

  int integer(String key) {
    Object value = map.get(key);
    if (value instanceof Number n) {
      return n.intValue();
    }
    problems.add(at(key) + " must be a whole number");
    return 0;
  }

  int integerOr(String key, int fallback) {
    return map.get(key) == null ? fallback : integer(key);
  }

  boolean booleanOr(String key, boolean fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    problems.add(at(key) + " must be true or false");
    return fallback;
  }

  /** A duration such as {@code 40s}, {@code 15m}, {@code 1h30m}. */
  java.time.Duration durationOr(String key, java.time.Duration fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return java.time.Duration.parse(
          "PT" + String.valueOf(value).toUpperCase(java.util.Locale.ROOT));
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(at(key) + " must be a duration such as 40s or 15m, got '" + value + "'");
      return fallback;
    }
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  Fields mapOr(String key) {
    return map.get(key) == null ? new Fields(source, at(key), Map.of(), problems) : map(key);
  }

  Fields map(String key) {
    Object value = map.get(key);
    if (value instanceof Map<?, ?> m) {
      return new Fields(source, at(key), ScenarioLoader.stringKeys(m), problems);
    }
    problems.add(at(key) + " must be a mapping");
    return new Fields(source, at(key), Map.of(), problems);
  }

  List<Fields> list(String key) {
    if (!(map.get(key) instanceof List<?>)) {
      problems.add(at(key) + " must be a list");
      return List.of();
    }
    return listOr(key);
  }

  List<Fields> listOr(String key) {
    List<Fields> out = new ArrayList<>();
    if (map.get(key) instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) instanceof Map<?, ?> m) {
          out.add(
              new Fields(source, at(key) + "[" + i + "]", ScenarioLoader.stringKeys(m), problems));
        } else {
          problems.add(at(key) + "[" + i + "] must be a mapping");
        }
      }
    }
    return out;
  }

  List<String> strings(String key) {
    if (!(map.get(key) instanceof List<?>)) {
      problems.add(at(key) + " must be a list");
      return List.of();
    }
    return stringsOr(key);
  }

  List<String> stringsOr(String key) {
    if (map.get(key) instanceof List<?> items) {
      return items.stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  Map<String, String> stringMapOr(String key, Map<String, String> fallback) {
    if (map.get(key) instanceof Map<?, ?> m) {
      Map<String, String> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      return out;
    }
    return fallback;
  }
}
