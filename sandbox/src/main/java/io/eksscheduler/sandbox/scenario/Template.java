package io.eksscheduler.sandbox.scenario;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code ${sandbox.NAME}} placeholders in scenario and stage files with values known only at
 * {@code up} (free ports, the CA bundle, delays scaled by the speed factor). Any other {@code
 * ${...}} is left alone; an unknown {@code sandbox.} name is an error, never an empty string.
 */
public final class Template {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{sandbox\\.([A-Za-z0-9]+)}");

  private Template() {}

  /**
   * Returns {@code text} with every placeholder replaced.
   *
   * @throws IllegalArgumentException naming each unknown placeholder, with its line, and the known
   *     ones
   */
  public static String render(String source, String text, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    StringBuilder unknown = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        int line =
            1 + (int) text.substring(0, matcher.start()).chars().filter(c -> c == '\n').count();
        unknown.append(
            String.format("%n  %s:%d: unknown placeholder %s", source, line, matcher.group()));
        value = matcher.group();
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    if (unknown.length() > 0) {
      throw new IllegalArgumentException(
          "cannot render "
              + source
              + ":"
              + unknown
              + "\n  known: "
              + new TreeSet<>(values.keySet()));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
