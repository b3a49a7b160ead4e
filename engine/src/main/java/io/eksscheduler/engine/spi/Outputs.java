package io.eksscheduler.engine.spi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named values a step produced, readable by later steps as {@code steps.ID.outputs.KEY}.
 *
 * @param values plain JSON values by output name
 */
public record Outputs(Map<String, Object> values) {

  public Outputs {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** No outputs. */
  public static Outputs none() {
    return new Outputs(Map.of());
  }

  /** Outputs from alternating names and values. */
  public static Outputs of(String name, Object value, Object... more) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put(name, value);
    for (int i = 0; i + 1 < more.length; i += 2) {
      map.put((String) more[i], more[i + 1]);
    }
    return new Outputs(map);
  }
}
