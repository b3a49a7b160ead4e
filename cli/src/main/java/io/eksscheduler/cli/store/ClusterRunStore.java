package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunExistsException;
import io.eksscheduler.engine.state.RunLock;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.RunSummary;
import io.eksscheduler.engine.state.StateLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
  private final Map<String, Writer> writers = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Consumer<String> warn;

  /** What this process knows of a run it writes: the head's version and its records. */
  private static final class Writer {
    final String runId;
    String resourceVersion;
    final LinkedHashMap<String, byte[]> tail = new LinkedHashMap<>();
    long tailBytes;
    final LinkedHashMap<String, byte[]> lazy = new LinkedHashMap<>();
    long lazyBytes;
    long lastSeq;
    int playbookGeneration;
    RunSummary summary;

    Writer(String runId) {
      this.runId = runId;
    }
  }

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
    record Sized(String name, long bytes) {}
    List<Sized> sizes = new ArrayList<>();
    for (JsonNode o : objects.list(StoreNames.RUN + "=" + StoreNames.runLabel(runId))) {
      long bytes = 0;
      var data = o.path("data").fields();
      while (data.hasNext()) {
        bytes += Records.unb64(data.next().getValue().asText()).length;
      }
      sizes.add(
          new Sized(
              o.path("metadata").path("name").asText()
                  + " ("
                  + o.path("metadata").path("labels").path(StoreNames.PART).asText()
                  + ")",
              bytes));
    }
    sizes.sort(Comparator.comparingLong(Sized::bytes).reversed());
    List<String> out = new ArrayList<>();
    for (Sized s : sizes) {
      out.add(String.format("%-72s %8d bytes", s.name(), s.bytes()));
    }
    out.add(
        sizes.size()
            + " objects, "
            + sizes.stream().mapToLong(Sized::bytes).sum()
            + " bytes of data");
    return out;
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

  private String path(String runId) {
    return objects.collection() + "/" + StoreNames.run(runId);
  }

  @Override
  public synchronized void create(RunState state, String playbookText) throws IOException {
    namespace.ensure();
    String runId = state.runId();
    Writer w = new Writer(runId);
    w.summary = RunSummary.of(state);
    Map<String, byte[]> records = new LinkedHashMap<>();
    put(records, Records.encode(Records.CREATED, JSON.writeValueAsBytes(state)));
    put(
        records,
        Records.encode(Records.playbookKey(0), playbookText.getBytes(StandardCharsets.UTF_8)));
    Map<String, byte[]> inHead = fitted(runId, records);
    ObjectNode head = secret(StoreNames.run(runId), "head", runId);
    ObjectNode meta = (ObjectNode) head.get("metadata");
    if (state.lockKey() != null) {
      meta.with("labels").put(StoreNames.LOCK, StoreNames.lockLabel(state.lockKey()));
    }
    ObjectNode annotations = meta.putObject("annotations");
    annotations.put(StoreNames.RUN_ID, runId);
    annotations.put(StoreNames.SUMMARY, JSON.writeValueAsString(w.summary));
    ObjectNode data = head.putObject("data");
    inHead.forEach((k, v) -> data.put(k, Records.b64(v)));
    KubeRest.Answer created = rest.post(objects.collection(), head);
    if (created.code() == 409) {
      JsonNode existing = objects.byName(StoreNames.run(runId));
      if (created.retried() && existing != null && sameData(existing, inHead)) {
        created = new KubeRest.Answer(200, existing, true);
      } else {
        throw new RunExistsException(runId, describe());
      }
    }
    if (!created.ok()) {
      throw RunObjects.failure("creating run " + runId, created);
    }
    w.resourceVersion = created.resourceVersion();
    inHead.forEach((k, v) -> addToTail(w, k, v));
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
    Writer w = writer(event.run());
    long seq = w.lastSeq + 1;
    Event numbered = event.numbered(seq);
    Map.Entry<String, byte[]> entry =
        Records.encode(Records.eventKey(seq), JSON.writeValueAsBytes(numbered));
    w.lazy.put(entry.getKey(), entry.getValue());
    w.lazyBytes += entry.getValue().length;
    w.lastSeq = seq;
    boolean runLevel = event.step() == null && event.change() != null;
    if (runLevel) {
      JsonNode run = event.change().path("run");
      RunSummary s = w.summary;
      w.summary =
          new RunSummary(
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
    if (durable || w.lazyBytes >= LAZY_FLUSH) {
      flush(w, runLevel);
    }
    return numbered;
  }

  /** Sends the records waiting in {@code w.lazy}, sealing the head first when it would overflow. */
  private void flush(Writer w, boolean withSummary) throws IOException {
    if (w.lazy.isEmpty() && !withSummary) {
      return;
    }
    Map<String, byte[]> adds = fitted(w.runId, w.lazy);
    long addBytes = adds.values().stream().mapToLong(b -> b.length).sum();
    List<String> sealed = new ArrayList<>();
    if (!w.tail.isEmpty() && w.tailBytes + addBytes > HEAD_BUDGET) {
      seal(w);
      sealed.addAll(w.tail.keySet());
    }
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode meta = patch.putObject("metadata");
    meta.put("resourceVersion", w.resourceVersion);
    if (withSummary) {
      meta.putObject("annotations").put(StoreNames.SUMMARY, JSON.writeValueAsString(w.summary));
    }
    ObjectNode data = patch.putObject("data");
    sealed.forEach(data::putNull);
    adds.forEach((k, v) -> data.put(k, Records.b64(v)));
    KubeRest.Answer answer = rest.mergePatch(path(w.runId), patch);
    String version;
    if (answer.ok()) {
      version = answer.resourceVersion();
    } else if (answer.code() == 409 && answer.retried() && landed(w.runId, adds, sealed)) {
      version =
          objects.byName(StoreNames.run(w.runId)).path("metadata").path("resourceVersion").asText();
    } else if (answer.code() == 409) {
      throw new RunConflictException(
          "run "
              + w.runId
              + " was written by another runner since this one last wrote it (its head "
              + StoreNames.run(w.runId)
              + " is no longer at resourceVersion "
              + w.resourceVersion
              + "); this runner stops writing it");
    } else {
      throw RunObjects.failure("writing run " + w.runId, answer);
    }
    w.resourceVersion = version;
    sealed.forEach(w.tail::remove);
    if (!sealed.isEmpty()) {
      w.tailBytes = w.tail.values().stream().mapToLong(b -> b.length).sum();
    }
    adds.forEach((k, v) -> addToTail(w, k, v));
    w.lazy.clear();
    w.lazyBytes = 0;
  }

  /** True when a write whose answer was lost did land: its records there, the sealed ones gone. */
  private boolean landed(String runId, Map<String, byte[]> adds, List<String> sealed)
      throws IOException {
    JsonNode head = objects.byName(StoreNames.run(runId));
    if (head == null) {
      return false;
    }
    JsonNode data = head.path("data");
    for (String k : sealed) {
      if (data.has(k)) {
        return false;
      }
    }
    return sameData(head, adds);
  }

  private static boolean sameData(JsonNode secret, Map<String, byte[]> records) {
    JsonNode data = secret.path("data");
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      if (!Records.b64(r.getValue()).equals(data.path(r.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static void addToTail(Writer w, String key, byte[] bytes) {
    w.tail.put(key, bytes);
    w.tailBytes += bytes.length;
  }

  /**
   * {@code records} as they go into the head: each one larger than the head's budget written first
   * as parts of its own, and replaced by a marker naming them.
   */
  private Map<String, byte[]> fitted(String runId, Map<String, byte[]> records) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      if (r.getValue().length <= HEAD_BUDGET / 2) {
        out.put(r.getKey(), r.getValue());
        continue;
      }
      byte[] bytes = r.getValue();
      String nonce = HexFormat.of().formatHex(random.generateSeed(3));
      List<String> names = new ArrayList<>();
      for (int i = 0, from = 0; from < bytes.length; i++, from += PART_MAX) {
        String name = StoreNames.part(runId, r.getKey(), nonce, i);
        ObjectNode part = secret(name, "part", runId);
        part.put("immutable", true);
        part.putObject("data")
            .put(
                Records.PART_DATA,
                Records.b64(
                    Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + PART_MAX))));
        createImmutable(part, name);
        names.add(name);
      }
      ObjectNode marker = JSON.createObjectNode();
      marker.putPOJO("parts", names);
      marker.put("bytes", bytes.length);
      out.put("x." + r.getKey(), JSON.writeValueAsBytes(marker));
    }
    return out;
  }

  /** Moves the head's records into a chunk of their own (the head drops them in its next write). */
  private void seal(Writer w) throws IOException {
    long first = Long.MAX_VALUE;
    long last = 0;
    for (String key : w.tail.keySet()) {
      long seq = Records.seqOf(Records.plainKey(key.startsWith("x.") ? key.substring(2) : key));
      first = Math.min(first, Math.max(seq, 0));
      last = Math.max(last, seq);
    }
    String name =
        StoreNames.chunk(w.runId, first == Long.MAX_VALUE ? 0 : first, last)
            + "-"
            + StoreNames.hash(String.join(",", w.tail.keySet()), 6);
    ObjectNode chunk = secret(name, "chunk", w.runId);
    chunk.put("immutable", true);
    chunk.putObject("data").put(Records.CHUNK_DATA, Records.b64(Records.chunk(w.tail)));
    createImmutable(chunk, name);
  }

  private void createImmutable(ObjectNode object, String name) throws IOException {
    KubeRest.Answer created = rest.post(objects.collection(), object);
    if (created.ok()) {
      return;
    }
    if (created.code() == 409) {
      // Written before: by this process (an answer lost), or by a runner that wrote the same
      // records; its content decides.
      JsonNode existing = objects.byName(name);
      if (existing != null && existing.path("data").equals(object.path("data"))) {
        return;
      }
      throw new IOException("the store object " + name + " exists with other content");
    }
    throw RunObjects.failure("writing " + name, created);
  }

  private ObjectNode secret(String name, String part, String runId) {
    ObjectNode s = JSON.createObjectNode();
    s.put("apiVersion", "v1");
    s.put("kind", "Secret");
    s.put("type", StoreNames.SECRET_TYPE);
    ObjectNode meta = s.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace.name());
    ObjectNode labels = meta.putObject("labels");
    labels.put(StoreNames.MANAGED_BY, StoreNames.MANAGER);
    labels.put(StoreNames.PART, part);
    labels.put(StoreNames.RUN, StoreNames.runLabel(runId));
    return s;
  }

  private Writer writer(String runId) throws IOException {
    Writer w = writers.get(runId);
    if (w == null) {
      if (read(runId) == null) {
        throw new IOException("no run " + runId + " in " + describe());
      }
      w = writers.get(runId);
    }
    return w;
  }

  /** Reads run {@code runId} and makes what this process knows of it the head as read. */
  private synchronized Loaded read(String runId) throws IOException {
    if (!namespace.exists()) {
      return null;
    }
    RunObjects.Read r = objects.read(runId);
    if (r == null) {
      return null;
    }
    byte[] created = r.records().get(Records.CREATED);
    if (created == null) {
      throw new IOException("run " + runId + " has no first state in " + describe());
    }
    RunState state = JSON.readValue(created, RunState.class);
    TreeMap<Long, Event> events = new TreeMap<>();
    int generation = 0;
    String playbook = null;
    for (Map.Entry<String, byte[]> rec : r.records().entrySet()) {
      long seq = Records.seqOf(rec.getKey());
      if (seq > 0) {
        events.put(seq, JSON.readValue(rec.getValue(), Event.class));
      }
      int g = Records.generationOf(rec.getKey());
      if (g >= generation) {
        generation = g;
        playbook = new String(rec.getValue(), StandardCharsets.UTF_8);
      }
    }
    for (Event e : events.values()) {
      state = StateLog.apply(state, e);
    }
    Writer w = new Writer(runId);
    w.resourceVersion = r.resourceVersion();
    r.headRecords().forEach((k, v) -> addToTail(w, k, v));
    w.lastSeq = events.isEmpty() ? 0 : events.lastKey();
    w.playbookGeneration = generation;
    w.summary = RunSummary.of(state);
    writers.put(runId, w);
    return new Loaded(state, playbook, List.copyOf(events.values()));
  }

  private record Loaded(RunState state, String playbook, List<Event> events) {}

  @Override
  public synchronized Optional<RunState> load(String runId) throws IOException {
    Loaded l = read(runId);
    return l == null ? Optional.empty() : Optional.of(l.state());
  }

  @Override
  public synchronized String playbookText(String runId) throws IOException {
    Loaded l = read(runId);
    if (l == null || l.playbook() == null) {
      throw new IOException("no playbook of run " + runId + " in " + describe());
    }
    return l.playbook();
  }

  @Override
  public synchronized void replacePlaybook(String runId, String playbookText) throws IOException {
    Writer w = writer(runId);
    int generation = w.playbookGeneration + 1;
    Map.Entry<String, byte[]> e =
        Records.encode(
            Records.playbookKey(generation), playbookText.getBytes(StandardCharsets.UTF_8));
    w.lazy.put(e.getKey(), e.getValue());
    w.lazyBytes += e.getValue().length;
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
    Loaded l = read(runId);
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
    for (Writer w : writers.values()) {
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
