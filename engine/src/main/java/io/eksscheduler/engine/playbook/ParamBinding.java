package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Gives each declared param its value: from {@code -p}, then the params file, then its default. */
public final class ParamBinding {
  private ParamBinding() {}

  /**
   * The params' values, or the problems that prevent a run: unknown names, wrong types, missing
   * required values.
   *
   * @param fromCommandLine {@code -p NAME=VALUE} pairs, as text
   * @param fromFile the params file's values, as JSON
   */
  public static Map<String, Object> bind(
      Playbook playbook,
      Map<String, String> fromCommandLine,
      Map<String, JsonNode> fromFile,
      List<String> problems) {
    Map<String, Object> values = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String name : fromCommandLine.keySet()) {
      if (!playbook.params().containsKey(name)) {
        unknown.add("-p " + name);
      }
    }
    for (String name : fromFile.keySet()) {
      if (!playbook.params().containsKey(name)) {
        unknown.add(name + " (params file)");
      }
    }
    for (String u : unknown) {
      String name = u.replaceFirst("^-p ", "").replace(" (params file)", "");
      String hint =
          Suggestions.closest(name, playbook.params().keySet())
              .map(s -> " (did you mean '" + s + "'?)")
              .orElse("");
      problems.add(
          "unknown param "
              + u
              + ": playbook "
              + playbook.name()
              + " declares "
              + (playbook.params().isEmpty()
                  ? "none"
                  : String.join(", ", playbook.params().keySet()))
              + hint);
    }
    for (ParamSpec spec : playbook.params().values()) {
      String name = spec.name();
      Optional<Object> value = Optional.empty();
      if (fromCommandLine.containsKey(name)) {
        String text = fromCommandLine.get(name);
        value = ParamValues.fromText(text, spec.type());
        if (value.isEmpty()) {
          problems.add(
              "param "
                  + name
                  + ": '"
                  + text
                  + "' is not "
                  + io.eksscheduler.engine.spi.ValueType.article(spec.type()));
          continue;
        }
      } else if (fromFile.containsKey(name)) {
        JsonNode node = fromFile.get(name);
        value = ParamValues.fromJson(node, spec.type());
        if (value.isEmpty()) {
          problems.add(
              "param "
                  + name
                  + " (params file): "
                  + node
                  + " is not "
                  + io.eksscheduler.engine.spi.ValueType.article(spec.type()));
          continue;
        }
      } else if (spec.defaultValue().isPresent()) {
        value = spec.defaultValue();
      }
      if (value.isPresent()) {
        values.put(name, value.get());
      } else if (spec.required()) {
        problems.add(
            "param "
                + name
                + " is required: give it with -p "
                + name
                + "=VALUE"
                + (spec.description().isEmpty() ? "" : " (" + spec.description() + ")"));
      }
    }
    return values;
  }
}
