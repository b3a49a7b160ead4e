package io.eksscheduler.actions.originals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.spi.Ledger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A ledger in memory that keeps values as JSON, as the file ledger does, and logs each write. */
public final class MemoryLedger implements Ledger {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, JsonNode> values = new LinkedHashMap<>();
  private final List<String> writes = new ArrayList<>();

  /** Each put and remove, in order: {@code put KEY VALUE}, {@code remove KEY}. */
  public List<String> writes() {
    return writes;
  }

  @Override
  public <T> Optional<T> get(String key, Class<T> type) {
    JsonNode v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(JSON.convertValue(v, type));
  }

  @Override
  public void put(String key, Object value) {
    JsonNode v = JSON.valueToTree(value);
    values.put(key, v);
    writes.add("put " + key + " " + v);
  }

  @Override
  public void remove(String key) {
    values.remove(key);
    writes.add("remove " + key);
  }

  @Override
  public Set<String> keys() {
    return Set.copyOf(values.keySet());
  }
}
