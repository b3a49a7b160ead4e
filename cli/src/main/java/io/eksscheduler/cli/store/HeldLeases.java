package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunLock;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Leases this process holds: renewed by one daemon thread every third of the lease duration
 * (see {@link LeaseTimes}), each renewal's deadline given to the {@link Fence}, which a renewal
 * finding its Lease taken or deleted trips; a Lease is released when the last handle on it closes.
 */
final class HeldLeases implements AutoCloseable {
  private final KubeRest rest;
  private final StoreNamespace namespace;
  private final Fence fence;
  private final Duration duration;
  private final Clock clock;
  private final String identity;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
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

  HeldLeases(
      KubeRest rest,
      StoreNamespace namespace,
      Fence fence,
      Duration duration,
      Clock clock,
      String identity) {
    this.rest = rest;
    this.namespace = namespace;
    this.fence = fence;
    this.duration = duration;
    this.clock = clock;
    this.identity = identity;
  }

  /** One more handle on Lease {@code name} when this process holds it already; else empty. */
  synchronized Optional<RunLock> again(String name) {
    Held mine = held.get(name);
    if (mine == null) {
      return Optional.empty();
    }
    mine.count++;
    return Optional.of(handle(mine, Optional.empty()));
  }

  /**
   * Holds Lease {@code name} as written by the request sent at {@code sentNanos}, and renews it
   * from now on; the handle releases it.
   */
  RunLock register(String name, JsonNode lease, long sentNanos, Optional<LockHolder> tookOver) {
    return handle(add(name, lease, sentNanos), tookOver);
  }

  private synchronized Held add(String name, JsonNode lease, long sentNanos) {
    Held h = new Held(name, lease, sentNanos);
    held.put(name, h);
    fence.held(name, LeaseTimes.renewDeadline(sentNanos, duration));
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

  private void renewDue() {
    for (Held h : held.values()) {
      if (fence.tripped()) {
        return;
      }
      long now = System.nanoTime();
      synchronized (h) {
        if (!LeaseTimes.renewDue(now, h.lastSentNanos, h.lastTryNanos, duration)
            || !held.containsKey(h.name)) {
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
    String path = LeaseObjects.path(namespace.name(), h.name);
    String now = LeaseObjects.micro(clock.instant());
    KubeRest.Answer put = rest.put(path, LeaseObjects.renewed(h.lease, now));
    if (put.ok()) {
      h.lease = put.body();
      h.lastSentNanos = sent;
      fence.held(h.name, LeaseTimes.renewDeadline(sent, duration));
      return;
    }
    if (put.code() == 409 || put.code() == 404) {
      KubeRest.Answer now2 = rest.get(path);
      if (put.code() == 409
          && put.retried()
          && now2.ok()
          && LeaseObjects.mine(now2.body(), identity, now)) {
        h.lease = now2.body();
        h.lastSentNanos = sent;
        fence.held(h.name, LeaseTimes.renewDeadline(sent, duration));
        return;
      }
      fence.trip(
          now2.code() == 404
              ? "its Lease " + h.name + " was deleted (eks-scheduler runs unlock?)"
              : "its Lease "
                  + h.name
                  + " is now held by "
                  + LeaseObjects.holderOf(now2.body(), "the lock")
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
        try {
          // a 409 means it is no longer ours: nothing to release
          rest.put(LeaseObjects.path(namespace.name(), h.name), LeaseObjects.cleared(h.lease));
        } catch (IOException e) {
          // Not released: it lapses after its lease duration, as a killed runner's does.
        }
      }
      fence.released(h.name);
    }
  }

  /** True while this process holds Lease {@code name}. */
  boolean holds(String name) {
    return held.containsKey(name);
  }

  /** Stops renewing; the Leases still held lapse after their duration. */
  @Override
  public synchronized void close() {
    if (renewer != null) {
      renewer.shutdownNow();
      renewer = null;
    }
  }
}
