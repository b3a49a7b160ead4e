package io.eksscheduler.engine.playbook;

import io.eksscheduler.engine.spi.Backoff;
import java.time.Duration;
import java.util.OptionalInt;
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

  /**
   * This policy as a {@link Backoff}: doubling from {@code backoff} up to {@code maxBackoff}, with
   * equal jitter, for {@code attempts} tries.
   */
  public Backoff toBackoff() {
    return new Backoff(backoff, maxBackoff, 2, Backoff.Jitter.EQUAL, OptionalInt.of(attempts));
  }

  /** The wait before attempt {@code attempt} (2 for the first retry), before jitter. */
  public Duration baseDelayBefore(int attempt) {
    return toBackoff().baseDelay(attempt - 1);
  }

  /** The jittered wait before {@code attempt}: in [base/2, base]. */
  public Duration delayBefore(int attempt, RandomGenerator random) {
    return toBackoff().delay(attempt - 1, random);
  }

  /** True when another attempt may follow attempt {@code attempt}. */
  public boolean allowsAnotherAfter(int attempt) {
    return toBackoff().allowsAnotherAfter(attempt);
  }
}
