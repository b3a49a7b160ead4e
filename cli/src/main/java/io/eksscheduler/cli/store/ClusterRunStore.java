package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunLock;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps runs in a namespace of a Kubernetes cluster (by default the cluster a run acts on), so that
 * any runner can continue a run another one left, and two runners on two machines exclude each
 * other. A run is a head Secret (its id, a summary for listings, and its newest records) with
 * sealed chunks of older records and, for a record too large for one object, its parts; locks are
 * Leases ({@link LeaseLocks}).
 *
 * <p>Exact like the directory store: an event is acknowledged only once the API server answered the
 * write that holds it (committed); every write of the head is conditional on the resourceVersion
 * this process last wrote or read (a merge patch carrying it), so no write of another runner is
 * ever silently interleaved: it fails with a conflict instead. Every object holds at most {@value
 * #HEAD_BUDGET} bytes of records in the head, {@value #PART_MAX} in a part; chunks are gzipped. Log
 * lines ({@code durable=false}) are sent with the next durable event. Runs not updated for {@link
 * #DEFAULT_RETENTION} are deleted when a new run is created.
 *
 * <p>What the Secrets hold, and the run replayed from them, is {@link RunSecrets}; the writes and
 * what their conflicts mean, {@link RunWrites}; what this process knows of a head, {@link RunHead}.
 */
public final class ClusterRunStore implements RunStore {
  /** Bytes of records the head holds before its records are sealed into a chunk. */
  static final int HEAD_BUDGET = 32 * 1024;

  /** Bytes of one part of a record larger than the head's budget. */
  static final int PART_MAX = 192 * 1024;

  /** Log lines kept in memory before they are sent without waiting for a durable event. */
  static final int LAZY_FLUSH = 8 * 1024;

  /** How long a run is kept after its last update: two months and more, for savings reports. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);

  private static final ObjectMapper JSON = Json.mapper();

  private final KubeRest rest;
  private final StoreNamespace namespace;
  private final RunObjects objects;
  private final LeaseLocks leases;
  private final Clock clock;
  private final Duration retention;
  private final RunWrites writes;
  private final Map<String, RunHead> writers = new HashMap<>();
  private final Consumer<String> warn;

  ClusterRunStore(
      KubeRest rest,
      StoreNamespace namespace,
      LeaseLocks leases,
      Clock clock,
      Duration retention,
      Consumer<String> warn) {
    this.warn = warn;
    this.rest = rest;
    this.namespace = namespace;
    this.objects = new RunObjects(rest, namespace.name());
    this.writes = new RunWrites(rest, objects, namespace.name());
    this.leases = leases;
    this.clock = clock;
    this.retention = retention;
  }

  @Override
  public String describe() {
    return "namespace " + namespace.name() + " of " + rest.server();
  }

  /** The namespace the runs are kept in. */
  public String namespace() {
    return namespace.name();
  }

  /**
   * The admission webhooks that would refuse this store's writes with the cluster asleep (see
   * {@link StoreWebhooks}); read with the list verbs the stop and wake roles have.
   */
  public List<StoreWebhooks.Finding> blockingWebhooks() throws IOException {
    Map<String, String> labels = namespace.labels();
    List<StoreWebhooks.Finding> out = new ArrayList<>();
    for (String kind : List.of("Validating", "Mutating")) {
      String path =
          "/apis/admissionregistration.k8s.io/v1/" + kind.toLowerCase() + "webhookconfigurations";
      KubeRest.Answer list = rest.get(path);
      if (!list.ok()) {
        throw RunObjects.failure("listing " + kind.toLowerCase() + " webhook configurations", list);
      }
      List<JsonNode> items = new ArrayList<>();
      list.body().path("items").forEach(items::add);
      out.addAll(StoreWebhooks.blocking(kind + "WebhookConfiguration", items, labels));
    }
    return out;
  }

  /**
   * One line per object of run {@code runId} (name, part, bytes of data), the largest first, then
   * the total; for the benchmark and for anyone sizing the store.
   */
  public List<String> objectSizes(String runId) throws IOException {
    return RunSecrets.sizes(objects.list(StoreNames.RUN + "=" + StoreNames.runLabel(runId)));
  }

  /** Requests and bytes sent so far, for the benchmark. */
  public String stats() {
    KubeRest.Stats s = rest.stats();
    return "requests="
        + s.requests()
        + " writes="
        + s.writes()
        + " bytesWritten="
        + s.bytesWritten()
        + " throttled="
        + s.throttled();
  }

  /** Requests, writes and bytes written so far. */
  public long[] counts() {
    KubeRest.Stats s = rest.stats();
    return new long[] {s.requests(), s.writes(), s.bytesWritten(), s.throttled()};
  }

  @Override
  public synchronized void create(RunState state, String playbookText) throws IOException {
    namespace.ensure();
    String runId = state.runId();
    RunHead w = new RunHead(runId);
    w.summary = RunSummary.of(state);
    Map<String, byte[]> records = new LinkedHashMap<>();
    put(records, Records.encode(Records.CREATED, JSON.writeValueAsBytes(state)));
    put(
        records,
        Records.encode(Records.playbookKey(0), playbookText.getBytes(StandardCharsets.UTF_8)));
    Map<String, byte[]> inHead = writes.fitted(runId, records);
    ObjectNode head = RunSecrets.head(namespace.name(), runId, state.lockKey(), w.summary, inHead);
    w.resourceVersion = writes.createHead(runId, head, inHead, describe());
    inHead.forEach(w::addToTail);
    writers.put(runId, w);
    new StoreRetention(rest, objects, leases, clock, retention).prune(runId, warn);
  }

  private static void put(Map<String, byte[]> records, Map.Entry<String, byte[]> entry) {
    records.put(entry.getKey(), entry.getValue());
  }

  @Override
  public void save(RunState state) {
    // Every change of a run travels in its events (StateLog.delta); nothing else to write.
  }

  @Override
  public boolean snapshotDue(String runId) {
    return false;
  }

  @Override
  public synchronized Event append(Event event, boolean durable) throws IOException {
    RunHead w = writer(event.run());
    long seq = w.lastSeq + 1;
    Event numbered = event.numbered(seq);
    w.addLazy(Records.encode(Records.eventKey(seq), JSON.writeValueAsBytes(numbered)));
    w.lastSeq = seq;
    boolean runLevel = event.step() == null && event.change() != null;
    if (runLevel) {
      w.summary = RunHead.summaryAfter(w.summary, numbered);
    }
    if (durable || w.lazyBytes >= LAZY_FLUSH) {
      flush(w, runLevel);
    }
    return numbered;
  }

  /** Sends the records waiting in {@code w.lazy}, sealing the head first when it would overflow. */
  private void flush(RunHead w, boolean withSummary) throws IOException {
    if (w.lazy.isEmpty() && !withSummary) {
      return;
    }
    Map<String, byte[]> adds = writes.fitted(w.runId, w.lazy);
    long addBytes = adds.values().stream().mapToLong(b -> b.length).sum();
    List<String> sealed = new ArrayList<>();
    if (w.mustSeal(addBytes, HEAD_BUDGET)) {
      writes.seal(w);
      sealed.addAll(w.tail.keySet());
    }
    ObjectNode patch =
        RunSecrets.headPatch(w.resourceVersion, withSummary ? w.summary : null, sealed, adds);
    w.wrote(writes.patchHead(w, patch, adds, sealed), sealed, adds);
  }

  private RunHead writer(String runId) throws IOException {
    RunHead w = writers.get(runId);
    if (w == null) {
      if (read(runId) == null) {
        throw new IOException("no run " + runId + " in " + describe());
      }
      w = writers.get(runId);
    }
    return w;
  }

  /** Reads run {@code runId} and makes what this process knows of it the head as read. */
  private synchronized RunSecrets.Replayed read(String runId) throws IOException {
    if (!namespace.exists()) {
      return null;
    }
    RunObjects.Read r = objects.read(runId);
    if (r == null) {
      return null;
    }
    RunSecrets.Replayed replayed = RunSecrets.replay(runId, r.records(), describe());
    RunHead w = new RunHead(runId);
    w.resourceVersion = r.resourceVersion();
    r.headRecords().forEach(w::addToTail);
    w.lastSeq = replayed.lastSeq();
    w.playbookGeneration = replayed.generation();
    w.summary = RunSummary.of(replayed.state());
    writers.put(runId, w);
    return replayed;
  }

  @Override
  public synchronized Optional<RunState> load(String runId) throws IOException {
    RunSecrets.Replayed l = read(runId);
    return l == null ? Optional.empty() : Optional.of(l.state());
  }

  @Override
  public synchronized String playbookText(String runId) throws IOException {
    RunSecrets.Replayed l = read(runId);
    if (l == null || l.playbook() == null) {
      throw new IOException("no playbook of run " + runId + " in " + describe());
    }
    return l.playbook();
  }

  @Override
  public synchronized void replacePlaybook(String runId, String playbookText) throws IOException {
    RunHead w = writer(runId);
    int generation = w.playbookGeneration + 1;
    w.addLazy(
        Records.encode(
            Records.playbookKey(generation), playbookText.getBytes(StandardCharsets.UTF_8)));
    flush(w, false);
    w.playbookGeneration = generation;
  }

  @Override
  public synchronized List<String> runIds() throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonNode head : heads()) {
      ids.add(head.path("metadata").path("annotations").path(StoreNames.RUN_ID).asText());
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  /** The metadata of every run's head (empty when the namespace does not exist yet). */
  private List<JsonNode> heads() throws IOException {
    if (!namespace.exists()) {
      return List.of();
    }
    return objects.listMetadata(
        StoreNames.MANAGED_BY + "=" + StoreNames.MANAGER + "," + StoreNames.PART + "=head");
  }

  @Override
  public synchronized List<RunSummary> summaries(List<String> problems) throws IOException {
    List<RunSummary> out = new ArrayList<>();
    for (JsonNode head : heads()) {
      JsonNode a = head.path("metadata").path("annotations");
      String id = a.path(StoreNames.RUN_ID).asText(head.path("metadata").path("name").asText());
      try {
        out.add(JSON.readValue(a.path(StoreNames.SUMMARY).asText(), RunSummary.class));
      } catch (IOException | RuntimeException e) {
        problems.add("run " + id + " cannot be read: its summary is damaged: " + e.getMessage());
      }
    }
    out.sort(Comparator.comparing(RunSummary::startedAt).thenComparing(RunSummary::runId));
    return out;
  }

  @Override
  public synchronized List<Event> events(String runId) throws IOException {
    RunSecrets.Replayed l = read(runId);
    return l == null ? List.of() : l.events();
  }

  @Override
  public RunLock lock(String key, LockHolder holder) throws IOException, LockHeldException {
    return leases.acquire(
        StoreNames.keyLease(key),
        "lock '" + key + "'",
        Map.of(StoreNames.LOCK, StoreNames.lockLabel(key)),
        Map.of(StoreNames.KEY, key),
        holder);
  }

  @Override
  public RunLock lockRun(String runId, LockHolder holder) throws IOException, LockHeldException {
    return leases.acquire(
        StoreNames.runLease(runId),
        "run " + runId,
        Map.of(StoreNames.RUN, StoreNames.runLabel(runId)),
        Map.of(StoreNames.RUN_ID, runId),
        holder);
  }

  @Override
  public Optional<LockHolder> liveHolder(String runId) throws IOException {
    if (!namespace.exists()) {
      return Optional.empty();
    }
    return leases.liveHolder(StoreNames.runLease(runId), "run " + runId);
  }

  @Override
  public Optional<LockHolder> breakLock(String key) throws IOException {
    if (!namespace.exists()) {
      return Optional.empty();
    }
    Optional<LockHolder> was = leases.breakLease(StoreNames.keyLease(key), "lock '" + key + "'");
    if (was.isPresent() && !"unknown".equals(was.get().runId())) {
      leases.breakLease(StoreNames.runLease(was.get().runId()), "run " + was.get().runId());
    }
    return was;
  }

  /** Sends the log lines still waiting; the Leases are released by their owners. */
  @Override
  public synchronized void close() throws IOException {
    leases.close();
    IOException failed = null;
    for (RunHead w : writers.values()) {
      try {
        if (!w.lazy.isEmpty()) {
          flush(w, false);
        }
      } catch (IOException e) {
        failed = e;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
