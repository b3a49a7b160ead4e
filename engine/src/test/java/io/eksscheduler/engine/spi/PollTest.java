package io.eksscheduler.engine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
  private static final Duration EVERY = Duration.ofSeconds(5);

  /** A context whose clock moves only when it sleeps; it records sleeps and progress. */
  private static final class FakeContext implements ActionContext {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    final List<Duration> sleeps = new ArrayList<>();
    final List<String> progress = new ArrayList<>();

    @Override
    public String runId() {
      return "r";
    }

    @Override
    public String stepId() {
      return "s";
    }

    @Override
    public boolean dryRun() {
      return false;
    }

    @Override
    public Clock clock() {
      return Clock.fixed(now, ZoneOffset.UTC);
    }

    @Override
    public Sleeper sleeper() {
      return d -> {
        sleeps.add(d);
        now = now.plus(d);
      };
    }

    @Override
    public Ledger ledger() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void progress(String whatItWaitsFor) {
      progress.add(whatItWaitsFor);
    }

    @Override
    public void log(String message) {}

    @Override
    public boolean cancelled() {
      return false;
    }

    @Override
    public <T> T client(Class<T> type) {
      throw new IllegalStateException();
    }
  }

  private final FakeContext ctx = new FakeContext();

  private static Poll.Round<String, Integer> readyAfter(AtomicInteger looks, int n) {
    int look = looks.incrementAndGet();
    return look >= n ? Poll.Round.ready("ready at look " + look) : Poll.Round.waiting(n - look);
  }

  @Test
  void returnsTheValueOnceReadyAfterSayingWhatIsLeftAndSleepingEachRound()
      throws ActionFailure, InterruptedException {
    AtomicInteger looks = new AtomicInteger();
    String value =
        Poll.within(ctx, Duration.ofMinutes(1), EVERY)
            .until(
                () -> readyAfter(looks, 3),
                left -> left + " left",
                left -> new ActionFailure("late", true));
    assertEquals("ready at look 3", value);
    assertEquals(List.of("2 left", "1 left"), ctx.progress);
    assertEquals(List.of(EVERY, EVERY), ctx.sleeps);
  }

  @Test
  void readyAtTheFirstLookNeitherSleepsNorSaysProgress() throws Exception {
    String value =
        Poll.within(ctx, Duration.ZERO, EVERY)
            .until(
                () -> Poll.Round.ready("now"),
                left -> "never",
                left -> new ActionFailure("late", true));
    assertEquals("now", value);
    assertTrue(ctx.sleeps.isEmpty());
    assertTrue(ctx.progress.isEmpty());
  }

  @Test
  void atTheDeadlineFailsWithWhatIsStillAwaited() {
    ActionFailure late = new ActionFailure("late", true);
    List<Integer> seen = new ArrayList<>();
    ActionFailure thrown =
        assertThrows(
            ActionFailure.class,
            () ->
                Poll.within(ctx, Duration.ofSeconds(12), EVERY)
                    .until(
                        () -> Poll.Round.<String, Integer>waiting(ctx.sleeps.size()),
                        left -> "waiting",
                        left -> {
                          seen.add(left);
                          return late;
                        }));
    assertSame(late, thrown);
    // Looks at 0 s, 5 s, 10 s and 15 s: the last one is past the 12 s deadline.
    assertEquals(List.of(3), seen);
    assertEquals(3, ctx.sleeps.size());
    assertEquals(3, ctx.progress.size());
  }

  @Test
  void aRoundEndingExactlyAtTheDeadlineFails() {
    assertThrows(
        ActionFailure.class,
        () ->
            Poll.within(ctx, Duration.ofSeconds(10), EVERY)
                .until(
                    () -> Poll.Round.<String, String>waiting("x"),
                    left -> left,
                    left -> new ActionFailure(left, true)));
    assertEquals(List.of(EVERY, EVERY), ctx.sleeps);
  }

  @Test
  void aReadyRoundAfterTheDeadlineStillReturnsItsValue() throws Exception {
    AtomicInteger looks = new AtomicInteger();
    String value =
        Poll.before(ctx, ctx.now.minusSeconds(1), EVERY)
            .until(
                () -> readyAfter(looks, 1),
                left -> "never",
                left -> new ActionFailure("late", true));
    assertEquals("ready at look 1", value);
  }

  @Test
  void timeLeftCountsDownToZero() throws InterruptedException {
    Poll poll = Poll.within(ctx, Duration.ofSeconds(8), EVERY);
    assertEquals(Duration.ofSeconds(8), poll.timeLeft());
    assertFalse(poll.passed());
    ctx.sleeper().sleep(EVERY);
    assertEquals(Duration.ofSeconds(3), poll.timeLeft());
    ctx.sleeper().sleep(EVERY);
    assertEquals(Duration.ZERO, poll.timeLeft());
    assertTrue(poll.passed());
  }

  @Test
  void aNegativePauseIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Poll.within(ctx, Duration.ofSeconds(1), Duration.ofSeconds(-1)));
  }

  @Test
  void failingAfterStillWaitsAtExactlyTheEndAndFailsTheRoundAfter() {
    List<String> seen = new ArrayList<>();
    assertThrows(
        ActionFailure.class,
        () ->
            Poll.failingAfter(ctx, Duration.ofSeconds(10), EVERY)
                .until(
                    () -> Poll.Round.<String, String>waiting("x"),
                    left -> left,
                    left -> {
                      seen.add(left);
                      return new ActionFailure(left, true);
                    }));
    // Looks at 0 s, 5 s and 10 s wait; the one at 15 s is past the end and fails.
    assertEquals(List.of(EVERY, EVERY, EVERY), ctx.sleeps);
    assertEquals(List.of("x", "x", "x"), ctx.progress);
    assertEquals(List.of("x"), seen);
  }

  @Test
  void failingAfterIsNotPassedAtTheEndButOnceBeyondIt() throws InterruptedException {
    Poll poll = Poll.failingAfter(ctx, Duration.ofSeconds(5), EVERY);
    ctx.sleeper().sleep(EVERY);
    assertFalse(poll.passed());
    ctx.now = ctx.now.plusNanos(1);
    assertTrue(poll.passed());
  }

  @Test
  void untilElseEndsWithTheValueGivenAtTheDeadline() throws Exception {
    List<Integer> seen = new ArrayList<>();
    String value =
        Poll.within(ctx, Duration.ofSeconds(10), EVERY)
            .untilElse(
                () -> Poll.Round.<String, Integer>waiting(ctx.sleeps.size()),
                left -> left + " rounds",
                left -> {
                  seen.add(left);
                  return "gave up";
                });
    assertEquals("gave up", value);
    assertEquals(List.of(2), seen);
    assertEquals(List.of("0 rounds", "1 rounds"), ctx.progress);
    assertEquals(List.of(EVERY, EVERY), ctx.sleeps);
  }

  @Test
  void untilElseReturnsTheLookedValueOnceReadyAndMayStillFailAtTheDeadline() throws Exception {
    AtomicInteger looks = new AtomicInteger();
    assertEquals(
        "ready at look 2",
        Poll.within(ctx, Duration.ofMinutes(1), EVERY)
            .untilElse(() -> readyAfter(looks, 2), left -> "waiting", left -> "gave up"));
    ActionFailure late = new ActionFailure("late", true);
    ActionFailure thrown =
        assertThrows(
            ActionFailure.class,
            () ->
                Poll.within(ctx, Duration.ZERO, EVERY)
                    .untilElse(
                        () -> Poll.Round.<String, String>waiting("x"),
                        left -> left,
                        left -> {
                          throw late;
                        }));
    assertSame(late, thrown);
  }

  @Test
  void aSlowingWaitLooksAtItsFirstPaceForAMinuteThenAtTheSlowerOne() throws Exception {
    AtomicInteger looks = new AtomicInteger();
    Poll.within(ctx, Duration.ofMinutes(10), Duration.ofSeconds(1))
        .slowingAfter(Duration.ofMinutes(1), Duration.ofSeconds(5))
        .until(
            () ->
                looks.incrementAndGet() == 70
                    ? Poll.Round.<String, String>ready("done")
                    : Poll.Round.<String, String>waiting("busy"),
            left -> left,
            left -> new ActionFailure("late", true));
    assertEquals(69, ctx.sleeps.size());
    assertEquals(60, ctx.sleeps.stream().filter(d -> d.equals(Duration.ofSeconds(1))).count());
    assertEquals(9, ctx.sleeps.stream().filter(d -> d.equals(Duration.ofSeconds(5))).count());
  }
}
