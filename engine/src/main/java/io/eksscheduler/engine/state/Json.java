package io.eksscheduler.engine.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON configuration for state, events and ledgers. */
public final class Json {
  private Json() {}

  /**
   * {@code value} as a plain JSON value (String, Long, Double, Boolean, null, List, Map), whatever
   * types it was made of (Integer, records, Jackson nodes).
   */
  public static Object plain(Object value) {
    try {
      return PLAIN.treeToValue(PLAIN.valueToTree(value), Object.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON value: " + e.getOriginalMessage(), e);
    }
  }

  private static final ObjectMapper PLAIN = mapper();

  /** A mapper that writes times as ISO-8601 text and tolerates fields added by newer versions. */
  public static ObjectMapper mapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_LONG_FOR_INTS)
        .build();
  }
}
