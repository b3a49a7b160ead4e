package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunHeadTest {
  private static final ObjectMapper JSON = Json.mapper();
  private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");
  private static final Instant LATER = Instant.parse("2026-12-06T10:05:00Z");
  private static final RunSummary SUMMARY =
      new RunSummary("r1", "hibernate", "cluster/dev", RunStatus.RUNNING, AT, AT, 1, 7, "host");

  @Test
  void anEmptyHeadTakesAnyWrite() {
    assertFalse(new RunHead("r1").mustSeal(1_000_000, 100));
  }

  @Test
  void aHeadIsSealedWhenTheWriteWouldTakeItOverBudget() {
    RunHead w = new RunHead("r1");
    w.addToTail("e.1", new byte[60]);
    assertFalse(w.mustSeal(40, 100));
    assertTrue(w.mustSeal(41, 100));
  }

  @Test
  void aWriteDropsTheSealedAddsTheNewAndEmptiesTheWaiting() {
    RunHead w = new RunHead("r1");
    w.addToTail("e.1", new byte[10]);
    w.addToTail("e.2", new byte[20]);
    w.addLazy(Map.entry("e.3", new byte[5]));
    assertEquals(5, w.lazyBytes);
    w.wrote("9", List.of("e.1", "e.2"), Map.of("e.3", new byte[5]));
    assertEquals("9", w.resourceVersion);
    assertEquals(List.of("e.3"), List.copyOf(w.tail.keySet()));
    assertEquals(5, w.tailBytes);
    assertTrue(w.lazy.isEmpty());
    assertEquals(0, w.lazyBytes);
  }

  @Test
  void aWriteWithoutSealingKeepsTheTail() {
    RunHead w = new RunHead("r1");
    w.addToTail("e.1", new byte[10]);
    w.wrote("9", List.of(), Map.of("e.2", new byte[3]));
    assertEquals(13, w.tailBytes);
    assertEquals(2, w.tail.size());
  }

  private static Event runChange(String change) throws Exception {
    return new Event(
        4, LATER, "r1", "run", null, null, null, null, null, null, JSON.readTree(change));
  }

  @Test
  void aRunLevelEventUpdatesTheSummary() throws Exception {
    RunSummary s =
        RunHead.summaryAfter(
            SUMMARY,
            runChange(
                "{\"run\":{\"status\":\"succeeded\",\"round\":2,\"pid\":9,\"host\":\"h2\"}}"));
    assertEquals(
        new RunSummary(
            "r1", "hibernate", "cluster/dev", RunStatus.SUCCEEDED, AT, LATER, 2, 9, "h2"),
        s);
  }

  @Test
  void whatTheEventDoesNotSayStaysAsItWas() throws Exception {
    assertEquals(
        new RunSummary(
            "r1", "hibernate", "cluster/dev", RunStatus.RUNNING, AT, LATER, 1, 7, "host"),
        RunHead.summaryAfter(SUMMARY, runChange("{\"steps\":{}}")));
  }
}
