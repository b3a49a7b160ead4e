package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunLock;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The store's locks: one {@code coordination.k8s.io} Lease per lock key and per run, taken and
 * renewed by conditional update (the resourceVersion read), renewed every third of the lease
 * duration while held, released when closed.
 *
 * <p>A Lease held by another runner is read again every {@value LeaseTimes#POLL_SECONDS} s for up
 * to one lease duration, timed on this process's monotonic clock (never by comparing clocks): if
 * its holder renews it (its renewTime or holder changes), the lock is held ({@link
 * LockHeldException}); if nothing changes, the holder is gone and the Lease is taken over with the
 * resourceVersion read. Held Leases bound this process through the {@link Fence}: a renewal that
 * finds its Lease taken, deleted, or that does not succeed before its renew deadline (two thirds of
 * the lease after the last renewal was sent) trips it.
 */
final class LeaseLocks implements AutoCloseable {
  private final KubeRest rest;
  private final StoreNamespace namespace;
  private final Fence fence;
  private final Duration duration;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<String> progress;
  private final String identity;
  private final HeldLeases held;

  /**
   * Holders this process saw let a Lease lapse: a runner's fence trips on the first of its Leases
   * to pass its deadline, so its other Leases are taken over without waiting again.
   */
  private final java.util.Set<String> lapsed = ConcurrentHashMap.newKeySet();

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
    this.held = new HeldLeases(rest, namespace, fence, duration, clock, identity);
  }

  Duration duration() {
    return duration;
  }

  private String path(String name) {
    return LeaseObjects.path(namespace.name(), name);
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
    Optional<RunLock> again = held.again(name);
    if (again.isPresent()) {
      return again.get();
    }
    namespace.ensure();
    LeaseTimes.Watch watch = new LeaseTimes.Watch();
    while (true) {
      KubeRest.Answer got = rest.get(path(name));
      if (got.code() == 404) {
        long sent = System.nanoTime();
        KubeRest.Answer created =
            rest.post(
                LeaseObjects.collection(namespace.name()),
                LeaseObjects.created(
                    namespace.name(),
                    name,
                    labels,
                    annotations,
                    holder,
                    identity,
                    duration,
                    LeaseObjects.micro(clock.instant())));
        if (created.ok()) {
          return held.register(name, created.body(), sent, Optional.empty());
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
      String holderId = LeaseObjects.holderIdentity(lease);
      if (holderId.isEmpty() || holderId.equals(identity)) {
        RunLock taken = take(name, lease, holder, Optional.empty());
        if (taken != null) {
          return taken;
        }
        continue;
      }
      LockHolder other = LeaseObjects.holderOf(lease, what);
      if (lapsed.contains(holderId)) {
        RunLock taken = take(name, lease, holder, Optional.of(other));
        if (taken != null) {
          return taken;
        }
        continue;
      }
      long leaseSeconds = LeaseObjects.seconds(lease);
      LeaseTimes.Watch.Seen seen = watch.see(LeaseObjects.renewal(lease), System.nanoTime());
      if (seen == LeaseTimes.Watch.Seen.FIRST) {
        progress.accept(
            what
                + " is held by "
                + other
                + "; waiting up to "
                + leaseSeconds
                + "s for it to renew its Lease "
                + name
                + " (then it is alive: exit 4) or to let it lapse (then it is taken over)");
      } else if (seen == LeaseTimes.Watch.Seen.CHANGED) {
        throw new LockHeldException(what, other);
      }
      Optional<Duration> pause = watch.pause(leaseSeconds, System.nanoTime());
      if (pause.isEmpty()) {
        RunLock taken = take(name, lease, holder, Optional.of(other));
        if (taken != null) {
          lapsed.add(holderId);
          return taken;
        }
        throw new LockHeldException(what, LeaseObjects.holderOf(rest.get(path(name)).body(), what));
      }
      try {
        sleeper.sleep(pause.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for " + what);
      }
    }
  }

  /** Takes {@code lease} as read (conditional on its resourceVersion); null when it changed. */
  private RunLock take(String name, JsonNode lease, LockHolder holder, Optional<LockHolder> from)
      throws IOException {
    String now = LeaseObjects.micro(clock.instant());
    ObjectNode next = LeaseObjects.taken(lease, identity, duration, holder, now);
    long sent = System.nanoTime();
    KubeRest.Answer put = rest.put(path(name), next);
    if (put.ok()) {
      return held.register(name, put.body(), sent, from);
    }
    if (put.code() == 409) {
      if (put.retried()) {
        KubeRest.Answer now2 = rest.get(path(name));
        if (now2.ok() && LeaseObjects.mine(now2.body(), identity, now)) {
          return held.register(name, now2.body(), sent, from);
        }
      }
      return null;
    }
    throw failure("taking Lease " + name, put);
  }

  /** Who holds Lease {@code name} now, judged by its renewal and this machine's clock. */
  Optional<LockHolder> liveHolder(String name, String what) throws IOException {
    Optional<JsonNode> lease = heldLease(name);
    if (lease.isEmpty()) {
      return Optional.empty();
    }
    if (LeaseObjects.expired(lease.get(), clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(LeaseObjects.holderOf(lease.get(), what));
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
    return LeaseObjects.holderIdentity(got.body()).isEmpty()
        ? Optional.empty()
        : Optional.of(got.body());
  }

  /** Clears Lease {@code name}'s holder, whoever it is; returns the holder cleared. */
  Optional<LockHolder> breakLease(String name, String what) throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<JsonNode> lease = heldLease(name);
      if (lease.isEmpty()) {
        return Optional.empty();
      }
      LockHolder was = LeaseObjects.holderOf(lease.get(), what);
      KubeRest.Answer put = rest.put(path(name), LeaseObjects.cleared(lease.get()));
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

  private static IOException failure(String what, KubeRest.Answer answer) {
    return RunObjects.failure(what, answer);
  }

  @Override
  public void close() {
    held.close();
  }

  /** True while this process holds Lease {@code name}. */
  boolean holds(String name) {
    return held.holds(name);
  }

  @Override
  public String toString() {
    return "leases of " + Objects.toString(identity);
  }
}
