package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunLock;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.StateLog;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.sandbox.junit.ClusterAdminServiceAccount;
import io.eksscheduler.sandbox.junit.KubernetesThrottle;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster store against the sandbox's real API server: a run of over 1 MiB (chunks and parts)
 * read back exactly as the directory store keeps the same events; a write after another runner's
 * refused; no event lost while API Priority and Fairness throttles; Leases waited for, released,
 * taken over after they lapse, and the fence of the runner that let one lapse; retention; a dry
 * read of a namespace that does not exist. Each test uses a namespace of its own; the dev scenario
 * is left as it is.
 */
@ExtendWith(SandboxExtension.class)
class ClusterStoreIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  /** Tells this test run's namespaces from an earlier one's on a reused sandbox. */
  private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

  @TempDir Path dir;

  private static String namespace(String what) {
    return "store-it-" + what + "-" + RUN + "-" + NAMESPACES.incrementAndGet();
  }

  private static ClusterRunStore open(ApiClient client, String ns, Fence fence, Clock clock) {
    return ClusterStores.open(
        client, ns, fence, LEASE, clock, Sleeper.system(), "it-host", System.err::println);
  }

  private static ClusterRunStore open(TestSandbox sandbox, String ns) {
    return open(sandbox.adminClient(), ns, new Fence(), Clock.systemUTC());
  }

  private static RunState initial(String runId, Instant at, String... steps) {
    Map<String, StepState> s = new LinkedHashMap<>();
    for (String id : steps) {
      s.put(id, StepState.pending());
    }
    return new RunState(
        RunState.VERSION,
        runId,
        "store-it",
        "store-it.yaml",
        "sha256:x",
        Map.of("cluster", "dev"),
        "cluster/store-it",
        RunStatus.RUNNING,
        RunState.MAIN,
        null,
        1,
        at,
        at,
        1,
        "it-host",
        0,
        s);
  }

  /** A ledger entry of {@code bytes} random (incompressible) bytes, as text. */
  private static Event ledger(String runId, String step, String key, int bytes, Random random) {
    byte[] raw = new byte[bytes * 3 / 4];
    random.nextBytes(raw);
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("blob", Base64.getEncoder().encodeToString(raw));
    return new Event(
        0, Instant.now(), runId, "ledger-put", step, null, null, null, key, value, null);
  }

  private static Event transition(RunState before, RunState after, String type, String step) {
    return new Event(0, Instant.now(), before.runId(), type, step, 1, null, null, null, null, null)
        .withChange(StateLog.delta(before, after));
  }

  /** Appends the same events to both stores; returns the final state as the engine folds it. */
  private static RunState write(List<RunStore> stores, RunState state, List<Event> events)
      throws IOException {
    RunState now = state;
    for (Event e : events) {
      Event recorded = null;
      for (RunStore s : stores) {
        recorded = s.append(e, !"step-log".equals(e.type()));
      }
      now = StateLog.apply(now, recorded);
    }
    return now;
  }

  @Test
  void aRunOverOneMebibyteComesBackExactlyAsTheDirectoryStoreKeepsIt(TestSandbox sandbox)
      throws Exception {
    String ns = namespace("large");
    String runId = "20261205T100000Z-Large1";
    Random random = new Random(42);
    List<String> stepIds = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      stepIds.add("s" + i);
    }
    RunState first =
        initial(runId, Instant.parse("2026-12-05T10:00:00Z"), stepIds.toArray(String[]::new));
    String playbook = "# a playbook\n".repeat(3000);
    ClusterRunStore cluster = open(sandbox, ns);
    DirectoryRunStore local = new DirectoryRunStore(dir);
    List<RunStore> both = List.of(cluster, local);
    for (RunStore s : both) {
      s.create(first, playbook);
    }
    List<Event> events = new ArrayList<>();
    RunState state = first;
    for (String id : stepIds) {
      RunState running =
          state.withStep(
              id, state.step(id).moveTo(io.eksscheduler.engine.state.StepStatus.RUNNING));
      events.add(transition(state, running, "step-started", id));
      events.add(
          new Event(
              0,
              Instant.now(),
              runId,
              "step-log",
              id,
              null,
              null,
              "working on " + id,
              null,
              null,
              null));
      RunState done =
          running.withStep(
              id, running.step(id).moveTo(io.eksscheduler.engine.state.StepStatus.SUCCEEDED));
      events.add(transition(running, done, "step-succeeded", id));
      state = done;
    }
    // Ledger entries: many small ones (sealed into chunks), some larger than the head holds
    // (parts), over 1.5 MiB stored, none of which gzip can shrink.
    for (int i = 0; i < 40; i++) {
      events.add(ledger(runId, "s" + i, "small-" + i, 6_000, random));
    }
    for (int i = 0; i < 8; i++) {
      events.add(ledger(runId, "s" + i, "large-" + i, 250_000, random));
    }
    RunState finished = state.withStatus(RunStatus.SUCCEEDED);
    events.add(transition(state, finished, "run-finished", null));
    write(both, first, events);
    cluster.close();
    local.close();

    ClusterRunStore fresh = open(sandbox, ns);
    RunState expected = local.load(runId).orElseThrow();
    assertEquals(expected, fresh.load(runId).orElseThrow());
    assertEquals(local.events(runId), fresh.events(runId));
    assertEquals(playbook, fresh.playbookText(runId));
    assertEquals(RunStatus.SUCCEEDED, fresh.summaries(new ArrayList<>()).get(0).status());

    long total = 0;
    int chunks = 0;
    int parts = 0;
    for (JsonNode o :
        new RunObjects(
                new KubeRest(sandbox.adminClient(), Sleeper.system(), Duration.ofSeconds(30)), ns)
            .list(StoreNames.MANAGED_BY + "=" + StoreNames.MANAGER)) {
      long size = 0;
      var data = o.path("data").fields();
      while (data.hasNext()) {
        size += Base64.getDecoder().decode(data.next().getValue().asText()).length;
      }
      size += o.path("metadata").path("annotations").toString().length();
      assertTrue(size <= 256 * 1024, o.path("metadata").path("name").asText() + ": " + size);
      total += size;
      String part = o.path("metadata").path("labels").path(StoreNames.PART).asText();
      chunks += "chunk".equals(part) ? 1 : 0;
      parts += "part".equals(part) ? 1 : 0;
    }
    System.err.printf(
        "[store-it] run of %d events: %d bytes in %d chunks, %d parts and a head%n",
        events.size(), total, chunks, parts);
    assertTrue(total > 1024 * 1024, "the run is over 1 MiB: " + total);
    assertTrue(chunks > 1, "sealed chunks: " + chunks);
    assertTrue(parts >= 4, "parts of the large records: " + parts);
  }

  @Test
  void aWriteAfterAnotherRunnersWriteIsRefusedAndLosesNothingOfTheirs(TestSandbox sandbox)
      throws Exception {
    String ns = namespace("conflict");
    String runId = "conflict-1";
    RunState first = initial(runId, Instant.now(), "a");
    ClusterRunStore mine = open(sandbox, ns);
    mine.create(first, "steps: []\n");
    RunState running =
        first.withStep(
            "a", first.step("a").moveTo(io.eksscheduler.engine.state.StepStatus.RUNNING));
    mine.append(transition(first, running, "step-started", "a"));

    ClusterRunStore theirs = open(sandbox, ns);
    RunState seen = theirs.load(runId).orElseThrow();
    Event theirEvent = theirs.append(ledger(runId, "a", "theirs", 100, new Random(1)));

    RunConflictException refused =
        assertThrows(
            RunConflictException.class,
            () -> mine.append(ledger(runId, "a", "mine", 100, new Random(2))));
    assertTrue(
        refused.getMessage().contains("was written by another runner"), refused.getMessage());
    List<Event> events = open(sandbox, ns).events(runId);
    assertEquals(2, events.size());
    assertEquals(theirEvent, events.get(1));
    assertEquals(seen.lastEventSeq() + 1, theirEvent.seq());
  }

  @Test
  void noEventIsLostWhileApiPriorityAndFairnessThrottlesTheRunner(TestSandbox sandbox)
      throws Exception {
    String ns = namespace("apf");
    // The admin user is exempt from APF; a ServiceAccount is not.
    ClusterAdminServiceAccount runner = sandbox.clusterAdminServiceAccount("store-runner");
    ClusterAdminServiceAccount neighbour = sandbox.clusterAdminServiceAccount("store-neighbour");
    String runId = "apf-1";
    RunState first = initial(runId, Instant.now(), "a");
    ClusterRunStore store = open(runner.client(), ns, new Fence(), Clock.systemUTC());
    store.create(first, "steps: []\n");
    AtomicBoolean stop = new AtomicBoolean();
    Thread busy =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  new KubeRest(neighbour.client(), d -> {}, Duration.ZERO)
                      .get("/api/v1/namespaces");
                } catch (IOException e) {
                  // a refused neighbour is the point
                }
              }
            });
    // Events until the API server has refused the store five times (429); bounded, and the
    // assertion below fails a run it never throttled.
    int count = 0;
    try (KubernetesThrottle throttle =
        sandbox.throttleKubernetesGroup(ClusterAdminServiceAccount.GROUP)) {
      busy.start();
      Random random = new Random(3);
      while (count < 200 && store.counts()[3] < 5) {
        store.append(ledger(runId, "a", "k" + count, 200, random));
        count++;
      }
    } finally {
      stop.set(true);
      busy.join();
    }
    long[] counts = store.counts();
    System.err.printf(
        "[store-it] %d events under APF: %d requests, %d answered 429%n",
        count, counts[0], counts[3]);
    assertTrue(counts[3] >= 5, "the API server throttled the store");
    RunState back = open(sandbox, ns).load(runId).orElseThrow();
    assertEquals(count, back.step("a").ledger().size());
    assertEquals(count, back.lastEventSeq());
  }

  @Test
  void leasesAreWaitedForReleasedAndTakenOverOnceTheyLapse(TestSandbox sandbox) throws Exception {
    String ns = namespace("lease");
    Fence aliceFence = new Fence();
    ApiClient aliceClient = KubeClients.fromKubeconfig(sandbox.adminKubeconfig());
    aliceClient.setHttpClient(
        aliceClient
            .getHttpClient()
            .newBuilder()
            .addInterceptor(FenceInterceptors.kubernetes(aliceFence))
            .build());
    ClusterRunStore alice = open(aliceClient, ns, aliceFence, Clock.systemUTC());
    ClusterRunStore bob = open(sandbox, ns);
    LockHolder a = new LockHolder("run-a", 1, "alice", Instant.now());
    LockHolder b = new LockHolder("run-b", 2, "bob", Instant.now());

    RunLock held = alice.lock("cluster/x", a);
    long start = System.nanoTime();
    LockHeldException busy = assertThrows(LockHeldException.class, () -> bob.lock("cluster/x", b));
    long waited = (System.nanoTime() - start) / 1_000_000;
    assertTrue(busy.getMessage().contains("run run-a (pid 1 on alice"), busy.getMessage());
    assertTrue(waited < LEASE.toMillis() + 1000, "exit as soon as the holder renews: " + waited);
    try (RunLock run = alice.lockRun("run-a", a)) {
      assertEquals("run-a", bob.liveHolder("run-a").orElseThrow().runId());
    }
    assertTrue(bob.liveHolder("run-a").isEmpty(), "a released run is nobody's");

    held.close();
    try (RunLock free = bob.lock("cluster/x", b)) {
      assertTrue(free.tookOverFrom().isEmpty(), "a released lock is taken, not taken over");
    }

    // Alice takes it and goes silent, as a killed runner would: her renewals stop.
    alice.lock("cluster/x", a);
    alice.close();
    start = System.nanoTime();
    try (RunLock taken = bob.lock("cluster/x", b)) {
      waited = (System.nanoTime() - start) / 1_000_000;
      assertEquals("run-a", taken.tookOverFrom().orElseThrow().runId());
      assertTrue(waited >= LEASE.toMillis() - 100, "waited one lease duration: " + waited);
      assertTrue(aliceFence.tripped(), "alice's own fence tripped at her renew deadline");
      RunState run = initial("alice-late", Instant.now(), "a");
      assertThrows(FencedException.class, () -> alice.create(run, "x"));
      assertEquals(List.of(), bob.runIds(), "alice's late write was not sent");
    }
  }

  @Test
  void runsNotUpdatedForTheRetentionPeriodAreDeleted(TestSandbox sandbox) throws Exception {
    String ns = namespace("retention");
    Clock long_ago =
        Clock.fixed(
            Instant.now().minus(ClusterRunStore.DEFAULT_RETENTION).minusSeconds(3600),
            ZoneOffset.UTC);
    ClusterRunStore past = open(sandbox.adminClient(), ns, new Fence(), long_ago);
    RunState old = initial("old-1", long_ago.instant(), "a");
    past.create(old, "x");
    ClusterRunStore now = open(sandbox, ns);
    RunState recent = initial("new-1", Instant.now(), "a");
    now.create(recent, "x");
    assertEquals(List.of("new-1"), now.runIds());
    assertFalse(now.load("old-1").isPresent());
  }

  @Test
  void aStoreWhoseNamespaceDoesNotExistReadsAsNoRunsAndCreatesNothing(TestSandbox sandbox)
      throws Exception {
    String ns = namespace("absent");
    ClusterRunStore store = open(sandbox, ns);
    assertEquals(List.of(), store.summaries(new ArrayList<>()));
    assertFalse(store.load("any").isPresent());
    assertTrue(store.liveHolder("any").isEmpty());
    var list =
        new KubeRest(sandbox.adminClient(), Sleeper.system(), Duration.ofSeconds(10))
            .get("/api/v1/namespaces", Map.of("fieldSelector", "metadata.name=" + ns));
    assertEquals(0, list.body().path("items").size(), "the namespace was created");
  }
}
