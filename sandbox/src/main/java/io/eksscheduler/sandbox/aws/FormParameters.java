package io.eksscheduler.sandbox.aws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code application/x-www-form-urlencoded} parameters and the awsquery list convention
 * ({@code Name.member.1}, {@code Name.member.2}, ...).
 */
public final class FormParameters {

  private FormParameters() {}

  public static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    parseMulti(text).forEach((k, v) -> out.put(k, v.get(v.size() - 1)));
    return out;
  }

  public static Map<String, List<String>> parseMulti(String text) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String part : text.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      String[] kv = part.split("=", 2);
      String key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
      String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  /** The values of {@code prefix.member.N}, in N order. */
  public static List<String> members(Map<String, String> form, String prefix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    String start = prefix + ".member.";
    form.forEach(
        (k, v) -> {
          if (k.startsWith(start) && k.substring(start.length()).matches("\\d+")) {
            byIndex.put(Integer.parseInt(k.substring(start.length())), v);
          }
        });
    return new ArrayList<>(byIndex.values());
  }

  /**
   * The structures {@code prefix.member.N.Field}, in N order, each as a map of its fields (nested
   * names kept, e.g. {@code Values.member.1}).
   */
  public static List<Map<String, String>> structures(Map<String, String> form, String prefix) {
    TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
    String start = prefix + ".member.";
    form.forEach(
        (k, v) -> {
          if (!k.startsWith(start)) {
            return;
          }
          String rest = k.substring(start.length());
          int dot = rest.indexOf('.');
          if (dot <= 0 || !rest.substring(0, dot).matches("\\d+")) {
            return;
          }
          byIndex
              .computeIfAbsent(Integer.parseInt(rest.substring(0, dot)), i -> new LinkedHashMap<>())
              .put(rest.substring(dot + 1), v);
        });
    return new ArrayList<>(byIndex.values());
  }
}
