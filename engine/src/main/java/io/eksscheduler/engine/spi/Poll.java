package io.eksscheduler.engine.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * Waits for something to be ready by looking again every so often until a deadline, on the action's
 * clock and sleeper (so that unit tests of a wait run in milliseconds).
 *
 * <p>Each round looks once; if what it found is ready, the wait ends with its value; otherwise, at
 * the deadline, the wait fails with what the caller says about what is still awaited, and before it
 * the round says so in the progress display and sleeps {@code every}:
 *
 * <pre>{@code
 * Poll.within(ctx, deadline, POLL).until(
 *     () -> pending.isEmpty() ? Poll.Round.ready(pending) : Poll.Round.waiting(pending),
 *     left -> "waiting for " + String.join(", ", left),
 *     left -> new ActionFailure("still waiting after 10m: " + String.join(", ", left), true));
 * }</pre>
 *
 * @param ctx the step's context: its clock, sleeper and progress display
 * @param deadline when the wait fails if what it waits for is not ready by then
 * @param every the pause between two looks
 * @param slowFrom from when on the pause is {@code slowEvery} instead ({@link Instant#MAX}: never)
 * @param slowEvery the pause between two looks from {@code slowFrom} on
 */
public record Poll(
    ActionContext ctx, Instant deadline, Duration every, Instant slowFrom, Duration slowEvery) {

  public Poll {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(slowFrom, "slowFrom");
    if (every.isNegative() || slowEvery.isNegative()) {
      throw new IllegalArgumentException("the pause between two looks must not be negative");
    }
  }

  /** A wait that looks every {@code every} until {@code deadline}. */
  public Poll(ActionContext ctx, Instant deadline, Duration every) {
    this(ctx, deadline, every, Instant.MAX, every);
  }

  /**
   * This wait, looking only every {@code slower} once {@code after} has passed from now: a long
   * wait on AWS backs off instead of polling at its first pace for minutes.
   */
  public Poll slowingAfter(Duration after, Duration slower) {
    return new Poll(ctx, deadline, every, ctx.clock().instant().plus(after), slower);
  }

  /** A wait that ends {@code within} from now on the context's clock. */
  public static Poll within(ActionContext ctx, Duration within, Duration every) {
    return new Poll(ctx, ctx.clock().instant().plus(within), every);
  }

  /**
   * A wait that fails only once more than {@code within} has passed from now: a round that ends
   * exactly then still waits, as a wait that compares {@code isAfter} with its end does (the
   * deadline is the next instant on the clock, one nanosecond later).
   */
  public static Poll failingAfter(ActionContext ctx, Duration within, Duration every) {
    return new Poll(ctx, ctx.clock().instant().plus(within).plusNanos(1), every);
  }

  /** A wait that ends at {@code deadline}. */
  public static Poll before(ActionContext ctx, Instant deadline, Duration every) {
    return new Poll(ctx, deadline, every);
  }

  /** What one look found: the value once ready, or what is still awaited. */
  public static final class Round<T, W> {
    private final boolean ready;
    private final T value;
    private final W left;

    private Round(boolean ready, T value, W left) {
      this.ready = ready;
      this.value = value;
      this.left = left;
    }

    /** What the wait was for is ready; the wait returns {@code value}. */
    public static <T, W> Round<T, W> ready(T value) {
      return new Round<>(true, value, null);
    }

    /** Not ready yet; {@code left} is what is still awaited, for progress and the failure. */
    public static <T, W> Round<T, W> waiting(W left) {
      return new Round<>(false, null, left);
    }

    /** True when the wait can end. */
    public boolean isReady() {
      return ready;
    }

    /** The value of a ready round, null otherwise. */
    public T value() {
      return value;
    }

    /** What a round that is not ready still awaits, null otherwise. */
    public W left() {
      return left;
    }
  }

  /** One look at the world. */
  @FunctionalInterface
  public interface Look<T, W> {
    Round<T, W> look() throws ActionFailure, InterruptedException;
  }

  /** The failure of a wait that reached its deadline, from what is still awaited. */
  @FunctionalInterface
  public interface AtDeadline<W> {
    ActionFailure failure(W left) throws ActionFailure, InterruptedException;
  }

  /**
   * What a wait that reached its deadline ends with, from what is still awaited: a value of its own
   * (a policy that gives up and goes on), or the failure it throws.
   */
  @FunctionalInterface
  public interface Otherwise<T, W> {
    T atDeadline(W left) throws ActionFailure, InterruptedException;
  }

  /**
   * Looks until what {@code look} finds is ready and returns its value; says {@code progress} of
   * what is left after each round that is not, then sleeps {@link #every} (or {@link #slowEvery}).
   *
   * @throws ActionFailure the one {@code atDeadline} makes of what is left, once a round that is
   *     not ready ends at or after the deadline
   */
  public <T, W> T until(Look<T, W> look, Function<W, String> progress, AtDeadline<W> atDeadline)
      throws ActionFailure, InterruptedException {
    return untilElse(
        look,
        progress,
        left -> {
          throw atDeadline.failure(left);
        });
  }

  /**
   * As {@link #until}, but a round that is not ready at or after the deadline ends the wait with
   * what {@code atDeadline} makes of what is left: its value is returned, its failure thrown.
   */
  public <T, W> T untilElse(
      Look<T, W> look, Function<W, String> progress, Otherwise<T, W> atDeadline)
      throws ActionFailure, InterruptedException {
    while (true) {
      Round<T, W> round = look.look();
      if (round.ready) {
        return round.value;
      }
      if (passed()) {
        return atDeadline.atDeadline(round.left);
      }
      ctx.progress(progress.apply(round.left));
      ctx.sleeper().sleep(ctx.clock().instant().isBefore(slowFrom) ? every : slowEvery);
    }
  }

  /** True once the deadline has come, on the context's clock. */
  public boolean passed() {
    return !ctx.clock().instant().isBefore(deadline);
  }

  /** The time left until the deadline, zero once it has passed. */
  public Duration timeLeft() {
    Duration left = Duration.between(ctx.clock().instant(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
