package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import io.eksscheduler.engine.state.StepState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSecretsTest {
  private static final ObjectMapper JSON = Json.mapper();
  private static final String RUN = "20261206T100000Z-abc123";
  private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");
  private static final RunSummary SUMMARY =
      new RunSummary(RUN, "hibernate", "cluster/dev", RunStatus.RUNNING, AT, AT, 1, 7, "host");

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(String s) {
    return Records.b64(utf8(s));
  }

  private static Map<String, byte[]> records(String... keysAndTexts) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndTexts.length; i += 2) {
      out.put(keysAndTexts[i], utf8(keysAndTexts[i + 1]));
    }
    return out;
  }

  @Test
  void aHeadCarriesTheRunIdItsSummaryItsLockAndItsRecords() throws Exception {
    JsonNode head =
        RunSecrets.head(
            "runs", RUN, "cluster/dev", SUMMARY, records("created.json", "{}", "p.yaml", "x"));
    String run = StoreNames.run(RUN);
    assertEquals(
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"eks-scheduler.io/run\","
            + "\"metadata\":{\"name\":\""
            + run
            + "\",\"namespace\":\"runs\",\"labels\":{"
            + "\"app.kubernetes.io/managed-by\":\"eks-scheduler\",\"eks-scheduler.io/part\":\"head\","
            + "\"eks-scheduler.io/run\":\""
            + StoreNames.runLabel(RUN)
            + "\",\"eks-scheduler.io/lock\":\""
            + StoreNames.lockLabel("cluster/dev")
            + "\"},\"annotations\":{\"eks-scheduler.io/run-id\":\""
            + RUN
            + "\",\"eks-scheduler.io/summary\":"
            + JSON.writeValueAsString(JSON.writeValueAsString(SUMMARY))
            + "}},\"data\":{\"created.json\":\""
            + b64("{}")
            + "\",\"p.yaml\":\""
            + b64("x")
            + "\"}}",
        JSON.writeValueAsString(head));
  }

  @Test
  void aHeadWithoutLockKeyHasNoLockLabel() throws Exception {
    JsonNode head = RunSecrets.head("runs", RUN, null, SUMMARY, Map.of());
    assertTrue(head.path("metadata").path("labels").path(StoreNames.LOCK).isMissingNode());
  }

  @Test
  void aPatchIsConditionalDropsTheSealedAndAddsTheNew() throws Exception {
    JsonNode patch =
        RunSecrets.headPatch("42", null, List.of("e.1", "e.2"), records("e.3", "three"));
    assertEquals(
        "{\"metadata\":{\"resourceVersion\":\"42\"},\"data\":{\"e.1\":null,\"e.2\":null,"
            + "\"e.3\":\""
            + b64("three")
            + "\"}}",
        JSON.writeValueAsString(patch));
  }

  @Test
  void aPatchOfARunLevelEventCarriesTheSummary() throws Exception {
    JsonNode patch = RunSecrets.headPatch("42", SUMMARY, List.of(), Map.of());
    assertEquals(
        JSON.writeValueAsString(SUMMARY),
        patch.path("metadata").path("annotations").path(StoreNames.SUMMARY).asText());
  }

  @Test
  void aChunkIsNamedForTheEventsItSpansAndHashOfItsKeys() {
    List<String> keys = List.of("e.0000000005.json", "e.0000000006.json.gz", "x.e.0000000007.json");
    assertEquals(
        StoreNames.chunk(RUN, 5, 7) + "-" + StoreNames.hash(String.join(",", keys), 6),
        RunSecrets.chunkName(RUN, keys));
  }

  @Test
  void aChunkWithTheFirstRecordsStartsAtZero() {
    List<String> keys = List.of("created.json", "playbook.0000.yaml", "e.0000000001.json");
    assertTrue(RunSecrets.chunkName(RUN, keys).startsWith(StoreNames.chunk(RUN, 0, 1) + "-"));
    assertTrue(
        RunSecrets.chunkName(RUN, List.of("playbook.0001.yaml"))
            .startsWith(StoreNames.chunk(RUN, 0, 0) + "-"));
  }

  @Test
  void aChunkIsImmutableAndHoldsItsRecordsGzipped() throws Exception {
    Map<String, byte[]> tail = records("e.0000000001.json", "{\"a\":1}");
    JsonNode chunk = RunSecrets.chunk("runs", RUN, "c-name", tail);
    assertTrue(chunk.path("immutable").asBoolean());
    assertEquals("chunk", chunk.path("metadata").path("labels").path(StoreNames.PART).asText());
    Map<String, byte[]> back =
        Records.unchunk(Records.unb64(chunk.path("data").path(Records.CHUNK_DATA).asText()));
    assertArrayEquals(tail.get("e.0000000001.json"), back.get("e.0000000001.json"));
  }

  @Test
  void aPartIsImmutableAndTheMarkerNamesTheParts() throws Exception {
    JsonNode part = RunSecrets.part("runs", RUN, "p-0", utf8("abc"));
    assertEquals(
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"eks-scheduler.io/run\","
            + "\"metadata\":{\"name\":\"p-0\",\"namespace\":\"runs\",\"labels\":{"
            + "\"app.kubernetes.io/managed-by\":\"eks-scheduler\",\"eks-scheduler.io/part\":\"part\","
            + "\"eks-scheduler.io/run\":\""
            + StoreNames.runLabel(RUN)
            + "\"}},\"immutable\":true,\"data\":{\"part\":\""
            + b64("abc")
            + "\"}}",
        JSON.writeValueAsString(part));
    assertEquals(
        "{\"parts\":[\"p-0\",\"p-1\"],\"bytes\":300000}",
        new String(RunSecrets.marker(List.of("p-0", "p-1"), 300000), StandardCharsets.UTF_8));
  }

  @Test
  void aLostWriteLandedWhenItsRecordsAreThereAndTheSealedGone() throws Exception {
    JsonNode head =
        JSON.readTree("{\"data\":{\"e.3\":\"" + b64("three") + "\",\"e.4\":\"" + b64("4") + "\"}}");
    assertTrue(RunSecrets.landed(head, records("e.3", "three"), List.of("e.1")));
    assertFalse(RunSecrets.landed(head, records("e.3", "three"), List.of("e.4")));
    assertFalse(RunSecrets.landed(head, records("e.3", "other"), List.of()));
    assertFalse(RunSecrets.landed(head, records("e.5", "five"), List.of()));
    assertFalse(RunSecrets.landed(null, Map.of(), List.of()));
  }

  @Test
  void sameDataComparesOnlyTheRecordsGiven() throws Exception {
    JsonNode secret = JSON.readTree("{\"data\":{\"a\":\"" + b64("1") + "\",\"b\":\"x\"}}");
    assertTrue(RunSecrets.sameData(secret, records("a", "1")));
    assertFalse(RunSecrets.sameData(secret, records("a", "2")));
  }

  private static RunState first() {
    return new RunState(
        RunState.VERSION,
        RUN,
        "hibernate",
        "hibernate.yaml",
        "sha256:x",
        Map.of("cluster", "dev"),
        "cluster/dev",
        RunStatus.RUNNING,
        RunState.MAIN,
        null,
        1,
        AT,
        AT,
        1,
        "host",
        0,
        Map.of("drain", StepState.pending()));
  }

  private static byte[] ledgerPut(long seq, int value) throws IOException {
    return JSON.writeValueAsBytes(
        new Event(
            seq,
            AT,
            RUN,
            "ledger-put",
            "drain",
            null,
            null,
            null,
            "k",
            JsonNodeFactory.instance.numberNode(value),
            null));
  }

  @Test
  void aRunIsReplayedInEventOrderWithItsNewestPlaybook() throws Exception {
    Map<String, byte[]> stored = new LinkedHashMap<>();
    stored.put("e.0000000002.json", ledgerPut(2, 2));
    stored.put(Records.playbookKey(1), utf8("second"));
    stored.put(Records.CREATED, JSON.writeValueAsBytes(first()));
    stored.put(Records.playbookKey(0), utf8("first"));
    stored.put("e.0000000001.json", ledgerPut(1, 1));
    RunSecrets.Replayed r = RunSecrets.replay(RUN, stored, "namespace runs");
    assertEquals(2, r.state().step("drain").ledger().get("k").asInt());
    assertEquals("second", r.playbook());
    assertEquals(1, r.generation());
    assertEquals(List.of(1L, 2L), r.events().stream().map(Event::seq).toList());
    assertEquals(2, r.lastSeq());
  }

  @Test
  void aRunWithoutEventsIsItsFirstState() throws Exception {
    Map<String, byte[]> stored = new LinkedHashMap<>();
    stored.put(Records.CREATED, JSON.writeValueAsBytes(first()));
    RunSecrets.Replayed r = RunSecrets.replay(RUN, stored, "namespace runs");
    assertEquals(first(), r.state());
    assertNull(r.playbook());
    assertEquals(0, r.lastSeq());
  }

  @Test
  void aRunWithoutItsFirstStateCannotBeRead() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> RunSecrets.replay(RUN, records("e.0000000001.json", "{}"), "namespace runs"));
    assertEquals("run " + RUN + " has no first state in namespace runs", e.getMessage());
  }

  @Test
  void sizesListTheLargestObjectFirstThenTheTotal() throws Exception {
    List<JsonNode> objects =
        List.of(
            JSON.readTree(
                "{\"metadata\":{\"name\":\"small\",\"labels\":{\"eks-scheduler.io/part\":\"head\"}},"
                    + "\"data\":{\"a\":\""
                    + b64("12")
                    + "\"}}"),
            JSON.readTree(
                "{\"metadata\":{\"name\":\"big\",\"labels\":{\"eks-scheduler.io/part\":\"chunk\"}},"
                    + "\"data\":{\"a\":\""
                    + b64("1234")
                    + "\",\"b\":\""
                    + b64("5")
                    + "\"}}"));
    assertEquals(
        List.of(
            String.format("%-72s %8d bytes", "big (chunk)", 5),
            String.format("%-72s %8d bytes", "small (head)", 2),
            "2 objects, 7 bytes of data"),
        RunSecrets.sizes(objects));
  }
}
