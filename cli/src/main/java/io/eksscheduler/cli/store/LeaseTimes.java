package io.eksscheduler.cli.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * When a held Lease is renewed and how long its renewal bounds this process, and how a contender
 * tells a live holder from a gone one; all on this process's monotonic clock (nanoseconds as {@link
 * System#nanoTime} gives them), never by comparing clocks of two machines.
 */
final class LeaseTimes {
  /** How often a contender reads a held Lease again. */
  static final long POLL_SECONDS = 2;

  /** The least time between two tries of one renewal. */
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private LeaseTimes() {}

  /** Two thirds of the lease after the renewal sent at {@code sentNanos}. */
  static long renewDeadline(long sentNanos, Duration duration) {
    return sentNanos + duration.toNanos() * 2 / 3;
  }

  /**
   * True when a Lease whose last renewal was sent at {@code lastSentNanos} and last tried at {@code
   * lastTryNanos} is to be renewed at {@code nowNanos}: a third of the lease passed, and a second
   * since the last try.
   */
  static boolean renewDue(long nowNanos, long lastSentNanos, long lastTryNanos, Duration duration) {
    boolean due = nowNanos - lastSentNanos >= duration.toNanos() / 3;
    boolean backedOff = nowNanos - lastTryNanos >= RETRY_NANOS;
    return due && backedOff;
  }

  /**
   * A contender's watch of a Lease another runner holds: its holder is alive if the Lease's renewal
   * changes, gone if it stays the same for one whole lease duration from the first reading.
   */
  static final class Watch {
    /** What a reading of the Lease shows. */
    enum Seen {
      /** The first reading: the watch starts. */
      FIRST,
      /** As first read. */
      SAME,
      /** Renewed, or taken by another: its holder is alive. */
      CHANGED
    }

    private String observed;
    private long firstNanos;

    /** Takes a reading of the Lease's {@code renewal} ({@link LeaseObjects#renewal}). */
    Seen see(String renewal, long nowNanos) {
      if (observed == null) {
        observed = renewal;
        firstNanos = nowNanos;
        return Seen.FIRST;
      }
      return observed.equals(renewal) ? Seen.SAME : Seen.CHANGED;
    }

    /**
     * How long to wait before the next reading of a Lease of {@code leaseSeconds}, or empty when a
     * whole lease passed since the first reading: the holder let it lapse.
     */
    Optional<Duration> pause(long leaseSeconds, long nowNanos) {
      long waited = nowNanos - firstNanos;
      long lapse = TimeUnit.SECONDS.toNanos(leaseSeconds);
      if (waited >= lapse) {
        return Optional.empty();
      }
      return Optional.of(
          Duration.ofNanos(Math.min(TimeUnit.SECONDS.toNanos(POLL_SECONDS), lapse - waited)));
    }
  }
}
