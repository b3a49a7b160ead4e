package io.eksscheduler.actions.originals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eksscheduler.actions.originals.OriginalsProtocol.Outcome;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Ledger;
import io.eksscheduler.engine.spi.Sleeper;
import io.kubernetes.client.openapi.ApiException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginalsProtocolTest {

  /** An original: the value a stop changed, and the run that recorded it. */
  record Orig(String run, int value) {}

  /** The one object of these tests, as the "server" holds it; 0 means stopped. */
  static final class Server {
    int value;
    Orig mark;
    int version;
    boolean gone;
    int conflicts;
    Runnable beforeNextRequest = () -> {};
    final List<String> requests = new ArrayList<>();

    Server(int value, Orig mark) {
      this.value = value;
      this.mark = mark;
    }

    Thing read() {
      return new Thing(this, value, mark, version);
    }

    void request(String what, int readVersion, Runnable change) throws ActionFailure {
      beforeNextRequest.run();
      beforeNextRequest = () -> {};
      requests.add(what);
      if (gone) {
        throw failure(404);
      }
      if (conflicts > 0 || readVersion != version) {
        conflicts = Math.max(0, conflicts - 1);
        throw failure(409);
      }
      change.run();
      version++;
    }

    private static ActionFailure failure(int code) {
      return new ActionFailure("HTTP " + code, false, new ApiException(code, "HTTP " + code));
    }
  }

  /** The object as read, the protocol's subject. */
  record Thing(Server server, int value, Orig mark, int version)
      implements OriginalsProtocol.Subject<Orig, Thing> {
    @Override
    public String ledgerKey() {
      return "original:Thing t";
    }

    @Override
    public Optional<Orig> inLedger(Ledger ledger) {
      return ledger.get(ledgerKey(), Orig.class);
    }

    @Override
    public Object toLedger(Orig original) {
      return original;
    }

    @Override
    public Optional<Orig> marked() throws ActionFailure {
      if (mark != null && mark.run() == null) {
        throw new ActionFailure("Thing t: mark unreadable", false);
      }
      return Optional.ofNullable(mark);
    }

    @Override
    public boolean stopped() {
      return value == 0;
    }

    @Override
    public Orig current(String run) {
      return new Orig(run, value);
    }

    @Override
    public boolean restored(Orig original) {
      return value == original.value() && mark == null;
    }

    @Override
    public void markAndStop(Orig original) throws ActionFailure {
      server.request(
          "stop " + original,
          version,
          () -> {
            server.mark = original;
            server.value = 0;
          });
    }

    @Override
    public void restoreAndClear(Orig original) throws ActionFailure {
      server.request(
          "restore " + original,
          version,
          () -> {
            server.mark = null;
            server.value = original.value();
          });
    }

    @Override
    public Optional<Thing> reread() {
      return server.gone ? Optional.empty() : Optional.of(server.read());
    }
  }

  /** A context with a ledger in memory, for run {@code r-now}. */
  static final class Context implements ActionContext {
    final MemoryLedger ledger = new MemoryLedger();
    int changed;

    @Override
    public String runId() {
      return "r-now";
    }

    @Override
    public String stepId() {
      return "step";
    }

    @Override
    public boolean dryRun() {
      return false;
    }

    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public Sleeper sleeper() {
      return d -> {};
    }

    @Override
    public Ledger ledger() {
      return ledger;
    }

    @Override
    public void progress(String whatItWaitsFor) {}

    @Override
    public void changed() {
      changed++;
    }

    @Override
    public void log(String message) {}

    @Override
    public boolean cancelled() {
      return false;
    }

    @Override
    public <T> T client(Class<T> type) {
      throw new IllegalStateException("no client");
    }
  }

  private static final String KEY = "original:Thing t";

  @Test
  void aStopRecordsTheOriginalInTheLedgerBeforeItsRequest() throws Exception {
    Server server = new Server(3, null);
    Context ctx = new Context();
    server.beforeNextRequest =
        () -> assertEquals(Optional.of(new Orig("r-now", 3)), ctx.ledger.get(KEY, Orig.class));
    assertEquals(Outcome.CHANGED, OriginalsProtocol.stop(ctx, server.read()));
    assertEquals(0, server.value);
    assertEquals(new Orig("r-now", 3), server.mark);
    assertEquals(1, ctx.changed);
  }

  @Test
  void aStopNeverOverwritesAnOriginalMarkedOnTheObject() throws Exception {
    Server server = new Server(2, new Orig("r-old", 3));
    Context ctx = new Context();
    OriginalsProtocol.stop(ctx, server.read());
    assertEquals(new Orig("r-old", 3), server.mark);
    assertEquals(Optional.of(new Orig("r-old", 3)), ctx.ledger.get(KEY, Orig.class));
  }

  @Test
  void anObjectStoppedWithItsOriginalIsLeftAsItIs() throws Exception {
    Server server = new Server(0, new Orig("r-old", 3));
    Context ctx = new Context();
    assertEquals(Outcome.ALREADY, OriginalsProtocol.stop(ctx, server.read()));
    assertEquals(List.of(), server.requests);
    assertEquals(List.of(), ctx.ledger.writes());
  }

  @Test
  void theLedgerWinsOverTheMark() throws Exception {
    Server server = new Server(0, new Orig("r-other", 1));
    Context ctx = new Context();
    ctx.ledger.put(KEY, new Orig("r-now", 5));
    assertEquals(Outcome.CHANGED, OriginalsProtocol.stop(ctx, server.read()));
    assertEquals(new Orig("r-now", 5), server.mark);
    assertEquals(List.of("put " + KEY + " {\"run\":\"r-now\",\"value\":5}"), ctx.ledger.writes());
  }

  @Test
  void aConflictForgetsWhatWasRecordedAndRecordsWhatRunsNow() throws Exception {
    Server server = new Server(3, null);
    Context ctx = new Context();
    Thing read = server.read();
    server.value = 4; // scaled by someone between the read and the request
    server.version++;
    OriginalsProtocol.stop(ctx, read);
    assertEquals(new Orig("r-now", 4), server.mark);
    assertEquals(
        List.of(
            "put " + KEY + " {\"run\":\"r-now\",\"value\":3}",
            "remove " + KEY,
            "put " + KEY + " {\"run\":\"r-now\",\"value\":4}"),
        ctx.ledger.writes());
  }

  @Test
  void fiveConflictsInARowFailTheStep() {
    Server server = new Server(3, null);
    server.conflicts = 5;
    ActionFailure e =
        assertThrows(
            ActionFailure.class, () -> OriginalsProtocol.stop(new Context(), server.read()));
    assertEquals("HTTP 409", e.getMessage());
    assertEquals(5, server.requests.size());
  }

  @Test
  void anObjectGoneIsNothingLeftToStop() throws Exception {
    Server server = new Server(3, null);
    server.gone = true;
    Context ctx = new Context();
    assertEquals(Outcome.GONE, OriginalsProtocol.stop(ctx, server.read()));
    assertEquals(0, ctx.changed);
  }

  @Test
  void anUnreadableMarkFailsBeforeAnyChange() {
    Server server = new Server(3, new Orig(null, 1));
    Context ctx = new Context();
    assertThrows(ActionFailure.class, () -> OriginalsProtocol.stop(ctx, server.read()));
    assertEquals(List.of(), server.requests);
    assertEquals(List.of(), ctx.ledger.writes());
  }

  @Test
  void aRestoreSetsTheOriginalBackAndClearsTheMark() throws Exception {
    Server server = new Server(0, new Orig("r-old", 3));
    Context ctx = new Context();
    assertEquals(Outcome.CHANGED, OriginalsProtocol.restore(ctx, server.read()));
    assertEquals(3, server.value);
    assertEquals(null, server.mark);
    assertEquals(List.of("put " + KEY + " {\"run\":\"r-old\",\"value\":3}"), ctx.ledger.writes());
  }

  @Test
  void aRestoreAfterACrashTakesTheOriginalFromTheLedger() throws Exception {
    Server server = new Server(0, new Orig("r-other", 1));
    Context ctx = new Context();
    ctx.ledger.put(KEY, new Orig("r-old", 3));
    OriginalsProtocol.restore(ctx, server.read());
    assertEquals(3, server.value);
  }

  @Test
  void anObjectRestoredByAnEarlierAttemptIsLeftAsItIs() throws Exception {
    Server server = new Server(3, null);
    Context ctx = new Context();
    ctx.ledger.put(KEY, new Orig("r-old", 3));
    assertEquals(Outcome.ALREADY, OriginalsProtocol.restore(ctx, server.read()));
    assertEquals(List.of(), server.requests);
  }

  @Test
  void anObjectWithoutAnyOriginalIsNotAWakesToTouch() throws Exception {
    Server server = new Server(0, null);
    assertEquals(Outcome.NOT_RECORDED, OriginalsProtocol.restore(new Context(), server.read()));
    assertEquals(List.of(), server.requests);
  }

  @Test
  void recordKeepsWhatTheLedgerHolds() throws Exception {
    Server server = new Server(0, null);
    Context ctx = new Context();
    OriginalsProtocol.record(ctx.ledger, server.read(), new Orig("r-1", 3));
    OriginalsProtocol.record(ctx.ledger, server.read(), new Orig("r-2", 4));
    assertEquals(Optional.of(new Orig("r-1", 3)), ctx.ledger.get(KEY, Orig.class));
  }

  @Test
  void decideStopTakesWhatRunsNowOnlyWithoutAnyOriginal() {
    OriginalsProtocol.StopStep<Integer> step =
        OriginalsProtocol.decideStop(Optional.empty(), Optional.empty(), false, () -> 7);
    assertEquals(new OriginalsProtocol.Stop<>(7, true), step);
    assertEquals(
        new OriginalsProtocol.Stop<>(3, true),
        OriginalsProtocol.decideStop(Optional.empty(), Optional.of(3), false, () -> 7));
    assertEquals(
        new OriginalsProtocol.Stop<>(5, false),
        OriginalsProtocol.decideStop(Optional.of(5), Optional.of(3), true, () -> 7));
    assertInstanceOf(
        OriginalsProtocol.Leave.class,
        OriginalsProtocol.decideStop(Optional.of(3), Optional.of(3), true, () -> 7));
  }

  @Test
  void decideRestoreTakesTheLedgerFirst() {
    assertEquals(
        new OriginalsProtocol.Restore<>(5, false),
        OriginalsProtocol.decideRestore(Optional.of(5), Optional.of(3), v -> false));
    assertEquals(
        new OriginalsProtocol.Restore<>(3, true),
        OriginalsProtocol.decideRestore(Optional.empty(), Optional.of(3), v -> false));
    assertEquals(
        new OriginalsProtocol.Restored<>(5),
        OriginalsProtocol.decideRestore(Optional.of(5), Optional.empty(), v -> true));
    assertEquals(
        new OriginalsProtocol.NotRecorded<Integer>(),
        OriginalsProtocol.decideRestore(Optional.empty(), Optional.empty(), v -> true));
  }
}
