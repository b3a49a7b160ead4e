package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunLock;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The store's locks: one {@code coordination.k8s.io} Lease per lock key and per run, taken and
 * renewed by conditional update (the resourceVersion read), renewed every third of the lease
 * duration while held, released when closed.
 *
 * <p>A Lease held by another runner is read again every {@value #POLL_SECONDS} s for up to one
 * lease duration, timed on this process's monotonic clock (never by comparing clocks): if its
 * holder renews it (its renewTime or holder changes), the lock is held ({@link LockHeldException});
 * if nothing changes, the holder is gone and the Lease is taken over with the resourceVersion read.
 * Held Leases bound this process through the {@link Fence}: a renewal that finds its Lease taken,
 * deleted, or that does not succeed before its renew deadline (two thirds of the lease after the
 * last renewal was sent) trips it.
 */
final class LeaseLocks implements AutoCloseable {
  static final long POLL_SECONDS = 2;
  private static final ObjectMapper JSON = Json.mapper();
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubeRest rest;
  private final StoreNamespace namespace;
  private final Fence fence;
  private final Duration duration;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<String> progress;
  private final String identity;
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /**
   * Holders this process saw let a Lease lapse: a runner's fence trips on the first of its Leases
   * to pass its deadline, so its other Leases are taken over without waiting again.
   */
  private final java.util.Set<String> lapsed = ConcurrentHashMap.newKeySet();

  private ScheduledExecutorService renewer;

  /** A Lease this process holds. */
  private static final class Held {
    final String name;
    JsonNode lease;
    long lastSentNanos;
    long lastTryNanos;
    int count = 1;

    Held(String name, JsonNode lease, long sentNanos) {
      this.name = name;
      this.lease = lease;
      this.lastSentNanos = sentNanos;
      this.lastTryNanos = sentNanos;
    }
  }

  /**
   * @param identity this process's holder identity, unique among runners ({@code host/pid/nonce})
   * @param progress where lines about waiting for a held Lease go
   */
  LeaseLocks(
      KubeRest rest,
      StoreNamespace namespace,
      Fence fence,
      Duration duration,
      Clock clock,
      Sleeper sleeper,
      String identity,
      Consumer<String> progress) {
    if (duration.toSeconds() < 3) {
      throw new IllegalArgumentException("a lease lasts 3 seconds at least, not " + duration);
    }
    this.rest = rest;
    this.namespace = namespace;
    this.fence = fence;
    this.duration = duration;
    this.clock = clock;
    this.sleeper = sleeper;
    this.identity = identity;
    this.progress = progress;
  }

  Duration duration() {
    return duration;
  }

  private String path(String name) {
    return "/apis/coordination.k8s.io/v1/namespaces/" + namespace.name() + "/leases/" + name;
  }

  /**
   * Takes Lease {@code name}, waiting for a held one to lapse as described above.
   *
   * @param what the lock as the user knows it: {@code lock 'cluster/dev'}, {@code run ID}
   * @param labels labels of the Lease (when it is created)
   * @param annotations annotations of the Lease (the exact key or run id)
   */
  RunLock acquire(
      String name,
      String what,
      Map<String, String> labels,
      Map<String, String> annotations,
      LockHolder holder)
      throws IOException, LockHeldException {
    synchronized (this) {
      Held mine = held.get(name);
      if (mine != null) {
        mine.count++;
        return handle(mine, Optional.empty());
      }
    }
    namespace.ensure();
    String observed = null;
    long firstNanos = 0;
    while (true) {
      KubeRest.Answer got = rest.get(path(name));
      if (got.code() == 404) {
        long sent = System.nanoTime();
        KubeRest.Answer created =
            rest.post(
                "/apis/coordination.k8s.io/v1/namespaces/" + namespace.name() + "/leases",
                newLease(name, labels, annotations, holder));
        if (created.ok()) {
          return handle(register(name, created.body(), sent), Optional.empty());
        }
        if (created.code() == 409) {
          continue; // created by another runner in between: read it
        }
        throw failure("creating Lease " + name, created);
      }
      if (!got.ok()) {
        throw failure("reading Lease " + name, got);
      }
      JsonNode lease = got.body();
      String holderId = lease.path("spec").path("holderIdentity").asText("");
      if (holderId.isEmpty() || holderId.equals(identity)) {
        RunLock taken = take(name, lease, holder, Optional.empty());
        if (taken != null) {
          return taken;
        }
        continue;
      }
      LockHolder other = holderOf(lease, what);
      if (lapsed.contains(holderId)) {
        RunLock taken = take(name, lease, holder, Optional.of(other));
        if (taken != null) {
          return taken;
        }
        continue;
      }
      String now = holderId + "@" + lease.path("spec").path("renewTime").asText("");
      long leaseSeconds = lease.path("spec").path("leaseDurationSeconds").asLong(60);
      if (observed == null) {
        observed = now;
        firstNanos = System.nanoTime();
        progress.accept(
            what
                + " is held by "
                + other
                + "; waiting up to "
                + leaseSeconds
                + "s for it to renew its Lease "
                + name
                + " (then it is alive: exit 4) or to let it lapse (then it is taken over)");
      } else if (!observed.equals(now)) {
        throw new LockHeldException(what, other);
      }
      long waited = System.nanoTime() - firstNanos;
      long lapse = TimeUnit.SECONDS.toNanos(leaseSeconds);
      if (waited >= lapse) {
        RunLock taken = take(name, lease, holder, Optional.of(other));
        if (taken != null) {
          lapsed.add(holderId);
          return taken;
        }
        throw new LockHeldException(what, holderOf(rest.get(path(name)).body(), what));
      }
      try {
        sleeper.sleep(
            Duration.ofNanos(Math.min(TimeUnit.SECONDS.toNanos(POLL_SECONDS), lapse - waited)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for " + what);
      }
    }
  }

  /** Takes {@code lease} as read (conditional on its resourceVersion); null when it changed. */
  private RunLock take(String name, JsonNode lease, LockHolder holder, Optional<LockHolder> from)
      throws IOException {
    ObjectNode next = lease.deepCopy();
    ObjectNode spec = next.with("spec");
    boolean transition = !spec.path("holderIdentity").asText("").equals(identity);
    String now = micro(clock.instant());
    spec.put("holderIdentity", identity);
    spec.put("leaseDurationSeconds", duration.toSeconds());
    spec.put("acquireTime", now);
    spec.put("renewTime", now);
    if (transition) {
      spec.put("leaseTransitions", spec.path("leaseTransitions").asInt(0) + 1);
    }
    ((ObjectNode) next.with("metadata").with("annotations"))
        .put(StoreNames.HOLDER, JSON.writeValueAsString(holder));
    long sent = System.nanoTime();
    KubeRest.Answer put = rest.put(path(name), next);
    if (put.ok()) {
      return handle(register(name, put.body(), sent), from);
    }
    if (put.code() == 409) {
      if (put.retried()) {
        KubeRest.Answer now2 = rest.get(path(name));
        if (now2.ok() && mine(now2.body(), now)) {
          return handle(register(name, now2.body(), sent), from);
        }
      }
      return null;
    }
    throw failure("taking Lease " + name, put);
  }

  private boolean mine(JsonNode lease, String renewTime) {
    JsonNode spec = lease.path("spec");
    return identity.equals(spec.path("holderIdentity").asText(""))
        && renewTime.equals(spec.path("renewTime").asText(""));
  }

  private ObjectNode newLease(
      String name, Map<String, String> labels, Map<String, String> annotations, LockHolder holder)
      throws IOException {
    ObjectNode lease = JSON.createObjectNode();
    lease.put("apiVersion", "coordination.k8s.io/v1");
    lease.put("kind", "Lease");
    ObjectNode meta = lease.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace.name());
    ObjectNode l = meta.putObject("labels");
    l.put(StoreNames.MANAGED_BY, StoreNames.MANAGER);
    labels.forEach(l::put);
    ObjectNode a = meta.putObject("annotations");
    annotations.forEach(a::put);
    a.put(StoreNames.HOLDER, JSON.writeValueAsString(holder));
    ObjectNode spec = lease.putObject("spec");
    String now = micro(clock.instant());
    spec.put("holderIdentity", identity);
    spec.put("leaseDurationSeconds", duration.toSeconds());
    spec.put("acquireTime", now);
    spec.put("renewTime", now);
    spec.put("leaseTransitions", 0);
    return lease;
  }

  private synchronized Held register(String name, JsonNode lease, long sentNanos) {
    Held h = new Held(name, lease, sentNanos);
    held.put(name, h);
    fence.held(name, renewDeadline(sentNanos));
    if (renewer == null) {
      renewer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "lease-renewer");
                t.setDaemon(true);
                return t;
              });
      renewer.scheduleWithFixedDelay(this::renewDue, 250, 250, TimeUnit.MILLISECONDS);
    }
    return h;
  }

  /** Two thirds of the lease after the renewal sent at {@code sentNanos}. */
  private long renewDeadline(long sentNanos) {
    return sentNanos + duration.toNanos() * 2 / 3;
  }

  private void renewDue() {
    for (Held h : held.values()) {
      if (fence.tripped()) {
        return;
      }
      long now = System.nanoTime();
      synchronized (h) {
        boolean due = now - h.lastSentNanos >= duration.toNanos() / 3;
        boolean backedOff = now - h.lastTryNanos >= TimeUnit.SECONDS.toNanos(1);
        if (!due || !backedOff || !held.containsKey(h.name)) {
          continue;
        }
        h.lastTryNanos = now;
        try {
          renew(h, now);
        } catch (IOException | RuntimeException e) {
          // Tried again a second later; the fence's deadline decides when it is too late.
        }
      }
    }
  }

  private void renew(Held h, long sent) throws IOException {
    ObjectNode next = h.lease.deepCopy();
    String now = micro(clock.instant());
    next.with("spec").put("renewTime", now);
    KubeRest.Answer put = rest.put(path(h.name), next);
    if (put.ok()) {
      h.lease = put.body();
      h.lastSentNanos = sent;
      fence.held(h.name, renewDeadline(sent));
      return;
    }
    if (put.code() == 409 || put.code() == 404) {
      KubeRest.Answer now2 = rest.get(path(h.name));
      if (put.code() == 409 && put.retried() && now2.ok() && mine(now2.body(), now)) {
        h.lease = now2.body();
        h.lastSentNanos = sent;
        fence.held(h.name, renewDeadline(sent));
        return;
      }
      fence.trip(
          now2.code() == 404
              ? "its Lease " + h.name + " was deleted (eks-scheduler runs unlock?)"
              : "its Lease "
                  + h.name
                  + " is now held by "
                  + holderOf(now2.body(), "the lock")
                  + ", who took it over");
    }
  }

  private RunLock handle(Held h, Optional<LockHolder> tookOver) {
    return new RunLock() {
      private boolean closed;

      @Override
      public Optional<LockHolder> tookOverFrom() {
        return tookOver;
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          release(h);
        }
      }
    };
  }

  private void release(Held h) {
    synchronized (this) {
      if (--h.count > 0) {
        return;
      }
      held.remove(h.name);
    }
    synchronized (h) {
      if (fence.refusal() == null) {
        ObjectNode next = h.lease.deepCopy();
        next.with("spec").remove("holderIdentity");
        ((ObjectNode) next.with("metadata").with("annotations")).remove(StoreNames.HOLDER);
        try {
          rest.put(path(h.name), next); // a 409 means it is no longer ours: nothing to release
        } catch (IOException e) {
          // Not released: it lapses after its lease duration, as a killed runner's does.
        }
      }
      fence.released(h.name);
    }
  }

  /** Who holds Lease {@code name} now, judged by its renewal and this machine's clock. */
  Optional<LockHolder> liveHolder(String name, String what) throws IOException {
    Optional<JsonNode> held = heldLease(name);
    if (held.isEmpty()) {
      return Optional.empty();
    }
    JsonNode spec = held.get().path("spec");
    Instant renewed = parse(spec.path("renewTime").asText(""));
    long seconds = spec.path("leaseDurationSeconds").asLong(60);
    if (renewed != null && renewed.plusSeconds(seconds).isBefore(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(holderOf(held.get(), what));
  }

  /** Lease {@code name} as read, when it exists and has a holder. */
  private Optional<JsonNode> heldLease(String name) throws IOException {
    KubeRest.Answer got = rest.get(path(name));
    if (got.code() == 404) {
      return Optional.empty();
    }
    if (!got.ok()) {
      throw failure("reading Lease " + name, got);
    }
    return got.body().path("spec").path("holderIdentity").asText("").isEmpty()
        ? Optional.empty()
        : Optional.of(got.body());
  }

  /** Clears Lease {@code name}'s holder, whoever it is; returns the holder cleared. */
  Optional<LockHolder> breakLease(String name, String what) throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<JsonNode> held = heldLease(name);
      if (held.isEmpty()) {
        return Optional.empty();
      }
      LockHolder was = holderOf(held.get(), what);
      ObjectNode next = held.get().deepCopy();
      next.with("spec").remove("holderIdentity");
      ((ObjectNode) next.with("metadata").with("annotations")).remove(StoreNames.HOLDER);
      KubeRest.Answer put = rest.put(path(name), next);
      if (put.ok()) {
        return Optional.of(was);
      }
      if (put.code() != 409) {
        throw failure("breaking Lease " + name, put);
      }
    }
    throw new IOException("Lease " + name + " kept changing while it was being broken");
  }

  /** Deletes Lease {@code name} (a run's, with the run); gone already is fine. */
  void delete(String name) throws IOException {
    KubeRest.Answer deleted = rest.delete(path(name), null);
    if (!deleted.ok() && deleted.code() != 404) {
      throw failure("deleting Lease " + name, deleted);
    }
  }

  /** The holder written on {@code lease}, or what its holderIdentity says. */
  static LockHolder holderOf(JsonNode lease, String what) {
    String written = lease.path("metadata").path("annotations").path(StoreNames.HOLDER).asText("");
    if (!written.isEmpty()) {
      try {
        return JSON.readValue(written, LockHolder.class);
      } catch (IOException e) {
        // an unreadable note: fall back on the identity
      }
    }
    String id = lease.path("spec").path("holderIdentity").asText("an unknown runner");
    return new LockHolder(
        "unknown", 0, id, parse(lease.path("spec").path("acquireTime").asText("")));
  }

  static String micro(Instant t) {
    return MICRO.format(t);
  }

  private static Instant parse(String text) {
    try {
      return text.isEmpty() ? null : Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static IOException failure(String what, KubeRest.Answer answer) {
    return RunObjects.failure(what, answer);
  }

  @Override
  public synchronized void close() {
    if (renewer != null) {
      renewer.shutdownNow();
      renewer = null;
    }
  }

  /** True while this process holds Lease {@code name}. */
  boolean holds(String name) {
    return held.containsKey(name);
  }

  @Override
  public String toString() {
    return "leases of " + Objects.toString(identity);
  }
}
