package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this process knows of a run it writes: the head's resourceVersion as last written or read,
 * the records in the head (its tail), the records not sent yet (log lines sent with the next
 * durable event), the last event's number, the playbook's generation and the run's summary.
 */
final class RunHead {
  final String runId;
  String resourceVersion;
  final LinkedHashMap<String, byte[]> tail = new LinkedHashMap<>();
  long tailBytes;
  final LinkedHashMap<String, byte[]> lazy = new LinkedHashMap<>();
  long lazyBytes;
  long lastSeq;
  int playbookGeneration;
  RunSummary summary;

  RunHead(String runId) {
    this.runId = runId;
  }

  /** Record {@code key} is in the head as {@code bytes}. */
  void addToTail(String key, byte[] bytes) {
    tail.put(key, bytes);
    tailBytes += bytes.length;
  }

  /** Record {@code entry} waits to be sent. */
  void addLazy(Map.Entry<String, byte[]> entry) {
    lazy.put(entry.getKey(), entry.getValue());
    lazyBytes += entry.getValue().length;
  }

  /**
   * True when {@code addBytes} more bytes of records would take the head over {@code budget}: its
   * records are then sealed into a chunk first (a head of no records takes any write).
   */
  boolean mustSeal(long addBytes, int budget) {
    return !tail.isEmpty() && tailBytes + addBytes > budget;
  }

  /**
   * The head after a write answered with {@code version}: the {@code sealed} records dropped, the
   * {@code adds} in, nothing waiting.
   */
  void wrote(String version, List<String> sealed, Map<String, byte[]> adds) {
    resourceVersion = version;
    sealed.forEach(tail::remove);
    if (!sealed.isEmpty()) {
      tailBytes = tail.values().stream().mapToLong(b -> b.length).sum();
    }
    adds.forEach(this::addToTail);
    lazy.clear();
    lazyBytes = 0;
  }

  /**
   * Summary {@code s} after the run-level event {@code numbered}: its status, round, pid and host
   * as the event's change of the run says (else as they were), updated at the event's time.
   */
  static RunSummary summaryAfter(RunSummary s, Event numbered) {
    JsonNode run = numbered.change().path("run");
    return new RunSummary(
        s.runId(),
        s.playbook(),
        s.lockKey(),
        RunStatus.of(run.path("status").asText(s.status().label())),
        s.startedAt(),
        numbered.time(),
        run.path("round").asInt(s.round()),
        run.path("pid").asLong(s.pid()),
        run.path("host").asText(s.host()));
  }
}
