package io.eksscheduler.engine.playbook;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a step's failed attempts are retried: how many tries in all, and the waits between them.
 *
 * <p>The wait before attempt {@code n} (n >= 2) is {@code backoff * 2^(n-2)}, capped at {@code
 * maxBackoff}, then jittered into the upper half of that value ("equal jitter") so that runs
 * retrying together spread out without ever retrying at once.
 *
 * @param attempts every try counts, the first included; at least 1
 * @param backoff the base wait before the second attempt
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int attempts, Duration backoff, Duration maxBackoff) {

  /** One attempt, no retry. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofSeconds(10), Duration.ofMinutes(5));

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts counts every try and must be at least 1");
    }
    if (backoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative");
    }
  }

  /** The wait before attempt {@code attempt} (2 for the first retry), before jitter. */
  public Duration baseDelayBefore(int attempt) {
    if (attempt < 2) {
      return Duration.ZERO;
    }
    Duration delay = backoff;
    for (int i = 0; i < attempt - 2 && delay.compareTo(maxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }

  /** The jittered wait before {@code attempt}: in [base/2, base]. */
  public Duration delayBefore(int attempt, RandomGenerator random) {
    long base = baseDelayBefore(attempt).toMillis();
    if (base == 0) {
      return Duration.ZERO;
    }
    long half = base / 2;
    return Duration.ofMillis(half + random.nextLong(base - half + 1));
  }

  /** True when another attempt may follow attempt {@code attempt}. */
  public boolean allowsAnotherAfter(int attempt) {
    return attempt < attempts;
  }
}
