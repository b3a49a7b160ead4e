package io.eksscheduler.cli.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Whether this process may still change anything. While it holds Leases, each has a renew deadline
 * on this process's monotonic clock (about two thirds of the lease duration after the last renewal
 * was sent); past any of them, or once a Lease was found taken by another runner, every mutating
 * request of this process is refused, by the interceptors on its Kubernetes and AWS clients, for
 * the rest of its life. A contender waits a whole lease duration on its own clock before it takes a
 * Lease over, so the holder stops changing things at least a third of a lease before another one
 * starts.
 */
public final class Fence {
  private final LongSupplier nanoTime;
  private final Map<String, Long> deadlines = new ConcurrentHashMap<>();
  private final List<Runnable> onTrip = new CopyOnWriteArrayList<>();
  private volatile String tripped;

  public Fence() {
    this(System::nanoTime);
  }

  Fence(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Runs {@code action} once, when the fence trips. */
  public void onTrip(Runnable action) {
    onTrip.add(action);
  }

  /** Lease {@code name} is held until its renew deadline {@code deadlineNanos}. */
  void held(String name, long deadlineNanos) {
    deadlines.put(name, deadlineNanos);
  }

  /** Lease {@code name} was released in time: it no longer bounds this process. */
  void released(String name) {
    deadlines.remove(name);
  }

  /** Null while mutating requests are allowed; why they are refused otherwise. */
  public String refusal() {
    String why = tripped;
    if (why != null) {
      return why;
    }
    long now = nanoTime.getAsLong();
    for (Map.Entry<String, Long> e : deadlines.entrySet()) {
      if (now - e.getValue() > 0) {
        trip(
            "this runner did not renew its Lease "
                + e.getKey()
                + " before its renew deadline, so another runner may have taken the run over");
        return tripped;
      }
    }
    return null;
  }

  /** True once mutating requests are refused. */
  public boolean tripped() {
    return refusal() != null;
  }

  /** Refuses every mutating request from now on, saying {@code why}. */
  void trip(String why) {
    boolean first;
    synchronized (this) {
      first = tripped == null;
      if (first) {
        tripped = why;
      }
    }
    if (first) {
      onTrip.forEach(Runnable::run);
    }
  }
}
