package io.eksscheduler.engine.spi;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * Says how long to wait before each retry: an initial delay multiplied after each retry up to a
 * cap, spread by a jitter, for at most a number of attempts when there is one.
 *
 * <p>The base wait before retry {@code n} (1 for the first retry, that is before the second
 * attempt) is {@code initial * multiplier^(n-1)}, capped at {@code max}. The jitter then spreads it
 * so that callers turned away together do not all come back at once.
 *
 * @param initial the base wait before the first retry
 * @param max the longest base wait
 * @param multiplier how many times longer each base wait is than the one before; at least 1
 * @param jitter how the base wait is spread at random
 * @param attempts every try counts, the first included; empty when something else (a deadline)
 *     bounds the tries
 */
public record Backoff(
    Duration initial, Duration max, int multiplier, Jitter jitter, OptionalInt attempts) {

  /**
   * Kubernetes API calls: 200 ms doubling up to 10 s, plus up to half again, 10 attempts in all.
   */
  public static final Backoff KUBERNETES_CALL =
      new Backoff(
          Duration.ofMillis(200),
          Duration.ofSeconds(10),
          2,
          Jitter.UP_TO_HALF_MORE,
          OptionalInt.of(10));

  /**
   * AWS calls after the SDK's own retries: 1 s doubling up to 20 s, plus up to half again, until
   * the step's deadline.
   */
  public static final Backoff AWS_CALL =
      new Backoff(
          Duration.ofSeconds(1),
          Duration.ofSeconds(20),
          2,
          Jitter.UP_TO_HALF_MORE,
          OptionalInt.empty());

  /** How a base wait is spread at random. */
  public enum Jitter {
    /** The base wait itself. */
    NONE,
    /**
     * Uniform in {@code [base/2, base]}, to the millisecond ("equal jitter"): never longer than the
     * base wait, never shorter than half of it.
     */
    EQUAL,
    /** The base wait plus up to half again, to the millisecond: never sooner than the base wait. */
    UP_TO_HALF_MORE;

    /**
     * The wait for {@code base} and a uniform draw {@code draw} in [0, 1): pure, for callers that
     * draw their own number and for tests.
     */
    public Duration apply(Duration base, double draw) {
      long ms = base.toMillis();
      switch (this) {
        case EQUAL:
          if (ms == 0) {
            return Duration.ZERO;
          }
          long half = ms / 2;
          long span = ms - half + 1;
          return Duration.ofMillis(half + Math.min((long) (draw * span), span - 1));
        case UP_TO_HALF_MORE:
          return base.plusMillis((long) (ms * 0.5 * draw));
        default:
          return base;
      }
    }

    /**
     * The wait for {@code base}, drawing from {@code random}: {@link #UP_TO_HALF_MORE} draws {@code
     * nextDouble()}, {@link #EQUAL} the same uniform choice as {@code nextLong(bound)} (as step
     * retries always have, so that a seeded generator gives the waits it always gave), {@link
     * #NONE} nothing.
     */
    public Duration apply(Duration base, RandomGenerator random) {
      switch (this) {
        case EQUAL:
          long ms = base.toMillis();
          if (ms == 0) {
            return Duration.ZERO;
          }
          long half = ms / 2;
          return Duration.ofMillis(half + random.nextLong(ms - half + 1));
        case UP_TO_HALF_MORE:
          return apply(base, random.nextDouble());
        default:
          return base;
      }
    }
  }

  public Backoff {
    if (initial.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative");
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("the backoff multiplier must be at least 1");
    }
    if (attempts.isPresent() && attempts.getAsInt() < 1) {
      throw new IllegalArgumentException("attempts counts every try and must be at least 1");
    }
  }

  /** The wait before retry {@code retry} (1 for the first), before jitter; zero before that. */
  public Duration baseDelay(int retry) {
    if (retry < 1) {
      return Duration.ZERO;
    }
    Duration delay = initial;
    for (int i = 0; i < retry - 1 && delay.compareTo(max) < 0; i++) {
      if (delay.isZero() || multiplier == 1) {
        break;
      }
      try {
        delay = delay.multipliedBy(multiplier);
      } catch (ArithmeticException e) {
        return max;
      }
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /** The jittered wait before retry {@code retry} (1 for the first). */
  public Duration delay(int retry, RandomGenerator random) {
    return jitter.apply(baseDelay(retry), random);
  }

  /**
   * The jittered wait before retry {@code retry}, from a base no shorter than {@code floor} (a
   * server's Retry-After, say).
   */
  public Duration delay(int retry, Duration floor, RandomGenerator random) {
    return jitter.apply(atLeast(baseDelay(retry), floor), random);
  }

  /**
   * The jittered wait before retry {@code retry} from a base no shorter than {@code floor}, for a
   * uniform draw {@code draw} in [0, 1).
   */
  public Duration delay(int retry, Duration floor, double draw) {
    return jitter.apply(atLeast(baseDelay(retry), floor), draw);
  }

  /** True when another attempt may follow attempt {@code attempt} (1 for the first). */
  public boolean allowsAnotherAfter(int attempt) {
    return attempts.isEmpty() || attempt < attempts.getAsInt();
  }

  private static Duration atLeast(Duration d, Duration floor) {
    return floor.compareTo(d) > 0 ? floor : d;
  }
}
