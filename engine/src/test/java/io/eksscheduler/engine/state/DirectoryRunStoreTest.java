package io.eksscheduler.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryRunStoreTest {
  @TempDir Path dir;

  private static RunState state(String id) {
    Map<String, StepState> steps = new LinkedHashMap<>();
    steps.put("a", StepState.pending());
    return new RunState(
        RunState.VERSION,
        id,
        "pb",
        "pb.yaml",
        "sha256:x",
        Map.of("n", 1L),
        "k",
        RunStatus.RUNNING,
        RunState.MAIN,
        null,
        1,
        Instant.EPOCH,
        Instant.EPOCH,
        1,
        "h",
        0,
        steps);
  }

  private static Event ledger(String run, String key, String value) {
    return new Event(
        0,
        Instant.EPOCH,
        run,
        "ledger-put",
        "a",
        null,
        null,
        null,
        key,
        TextNode.valueOf(value),
        null);
  }

  @Test
  void stateAndPlaybookRoundTrip() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    store.create(state("r1"), "text: 1\n");
    assertEquals(state("r1"), store.load("r1").orElseThrow());
    assertEquals("text: 1\n", store.playbookText("r1"));
    assertEquals(List.of("r1"), store.runIds());
    store.close();
  }

  @Test
  void aSecondRunWithTheSameIdIsRefused() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    store.create(state("r1"), "x");
    assertThrows(
        io.eksscheduler.engine.state.RunExistsException.class,
        () -> store.create(state("r1"), "x"));
  }

  @Test
  void ledgerEntriesAppendedAfterTheLastSaveAreFoldedIn() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    store.create(state("r1"), "x");
    store.append(ledger("r1", "original", "3"));
    store.close();
    RunState loaded = new DirectoryRunStore(dir).load("r1").orElseThrow();
    assertEquals("3", loaded.step("a").ledger().get("original").asText());
  }

  @Test
  void aLineTornByACrashAtTheEndOfTheEventsIsIgnored() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    store.create(state("r1"), "x");
    store.append(ledger("r1", "original", "3"));
    store.close();
    Files.write(
        dir.resolve("runs/r1/events.jsonl"),
        "{\"seq\":2,\"type\":\"ledger-pu".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    DirectoryRunStore reopened = new DirectoryRunStore(dir);
    assertEquals(1, reopened.events("r1").size());
    assertEquals(
        "3", reopened.load("r1").orElseThrow().step("a").ledger().get("original").asText());
    reopened.append(ledger("r1", "next", "4"));
    reopened.close();
    RunState after = new DirectoryRunStore(dir).load("r1").orElseThrow();
    assertEquals("4", after.step("a").ledger().get("next").asText(), "appends after a torn line");
  }

  @Test
  void transitionsAppendedAfterTheSnapshotAreReplayed() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    RunState before = state("r1");
    store.create(before, "x");
    RunState after =
        before.withStep("a", StepState.pending().moveTo(StepStatus.RUNNING).withAttempts(1));
    Event e =
        new Event(
            0,
            Instant.EPOCH,
            "r1",
            "step-started",
            "a",
            1,
            "running",
            null,
            null,
            null,
            StateLog.delta(before, after));
    store.append(e);
    store.close();
    RunState loaded = new DirectoryRunStore(dir).load("r1").orElseThrow();
    assertEquals(StepStatus.RUNNING, loaded.step("a").status());
    assertEquals(1, loaded.step("a").attempts());
  }

  @Test
  void statusesAreWrittenInLowerCase() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    store.create(state("r1"), "x");
    String json = Files.readString(dir.resolve("runs/r1/state.json"));
    assertTrue(json.contains("\"status\":\"running\""), json);
    assertTrue(json.contains("\"status\":\"pending\""), json);
  }

  @Test
  void eventsAreNumberedOnAcrossReopening() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    store.create(state("r1"), "x");
    store.append(ledger("r1", "a", "1"));
    store.close();
    DirectoryRunStore again = new DirectoryRunStore(dir);
    assertEquals(2, again.append(ledger("r1", "b", "2")).seq());
    again.close();
  }

  @Test
  void savingLeavesNoTemporaryFileBehind() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    store.create(state("r1"), "x");
    store.save(state("r1").withStatus(RunStatus.SUCCEEDED));
    try (var files = Files.list(dir.resolve("runs/r1"))) {
      assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")));
    }
    assertEquals(RunStatus.SUCCEEDED, store.load("r1").orElseThrow().status());
  }

  @Test
  void aHeldLockNamesItsHolder() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    LockHolder holder = new LockHolder("r1", 42, "host-a", Instant.EPOCH);
    try (RunLock lock = store.lock("cluster/dev east", holder)) {
      LockHeldException e =
          assertThrows(
              LockHeldException.class,
              () -> store.lock("cluster/dev east", new LockHolder("r2", 43, "h", Instant.EPOCH)));
      assertEquals(holder, e.holder());
      assertTrue(e.getMessage().contains("run r1 (pid 42 on host-a"), e.getMessage());
      assertEquals(Optional.empty(), lock.tookOverFrom());
    }
    try (RunLock again = store.lock("cluster/dev east", holder)) {
      assertEquals(Optional.empty(), again.tookOverFrom(), "a released lock leaves no holder");
    }
  }

  @Test
  void aLockLeftByADeadProcessIsTakenOverAndReported() throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(dir);
    Files.createDirectories(dir.resolve("locks/keys"));
    LockHolder dead = new LockHolder("r0", 999999, "host-a", Instant.EPOCH);
    Files.write(
        dir.resolve("locks/keys").resolve(DirectoryRunStore.fileName("cluster/dev")),
        Json.mapper().writeValueAsBytes(dead));
    try (RunLock lock = store.lock("cluster/dev", new LockHolder("r1", 1, "h", Instant.EPOCH))) {
      assertEquals(Optional.of(dead), lock.tookOverFrom());
    }
  }

  @Test
  void lockKeysMayHoldAnyCharacter() {
    assertEquals("cluster%2Fdev+east.lock", DirectoryRunStore.fileName("cluster/dev east"));
    assertEquals(64 + 5, DirectoryRunStore.fileName("x".repeat(300)).length());
    assertEquals(64 + 5, DirectoryRunStore.fileName("..").length());
  }
}
