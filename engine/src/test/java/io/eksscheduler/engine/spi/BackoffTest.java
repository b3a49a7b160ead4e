package io.eksscheduler.engine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static List<Duration> baseDelays(Backoff b, int retries) {
    List<Duration> out = new ArrayList<>();
    for (int retry = 1; retry <= retries; retry++) {
      out.add(b.baseDelay(retry));
    }
    return out;
  }

  private static List<Duration> millis(long... ms) {
    List<Duration> out = new ArrayList<>();
    for (long m : ms) {
      out.add(Duration.ofMillis(m));
    }
    return out;
  }

  @Test
  void kubernetesCallsWait200MsDoublingUpTo10SecondsForTenAttempts() {
    assertEquals(
        millis(200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000),
        baseDelays(Backoff.KUBERNETES_CALL, 9));
    assertTrue(Backoff.KUBERNETES_CALL.allowsAnotherAfter(9));
    assertFalse(Backoff.KUBERNETES_CALL.allowsAnotherAfter(10));
  }

  @Test
  void awsCallsWaitOneSecondDoublingUpTo20SecondsWithNoAttemptLimit() {
    assertEquals(
        millis(1000, 2000, 4000, 8000, 16_000, 20_000, 20_000), baseDelays(Backoff.AWS_CALL, 7));
    assertTrue(Backoff.AWS_CALL.allowsAnotherAfter(1_000_000));
  }

  @Test
  void noWaitBeforeTheFirstAttempt() {
    assertEquals(Duration.ZERO, Backoff.AWS_CALL.baseDelay(0));
    assertEquals(Duration.ZERO, Backoff.AWS_CALL.delay(0, new Random(1)));
  }

  @Test
  void theCapHoldsForAnyRetryNumber() {
    assertEquals(Duration.ofSeconds(10), Backoff.KUBERNETES_CALL.baseDelay(Integer.MAX_VALUE));
    Backoff huge =
        new Backoff(
            Duration.ofDays(1_000_000),
            Duration.ofSeconds(Long.MAX_VALUE),
            3,
            Backoff.Jitter.NONE,
            OptionalInt.empty());
    assertEquals(Duration.ofSeconds(Long.MAX_VALUE), huge.baseDelay(100));
  }

  @Test
  void anInitialDelayAboveTheCapIsCapped() {
    Backoff b =
        new Backoff(
            Duration.ofMinutes(10),
            Duration.ofMinutes(5),
            2,
            Backoff.Jitter.NONE,
            OptionalInt.empty());
    assertEquals(Duration.ofMinutes(5), b.baseDelay(1));
  }

  @Test
  void aMultiplierOfOneKeepsTheDelay() {
    Backoff b =
        new Backoff(
            Duration.ofSeconds(3),
            Duration.ofMinutes(5),
            1,
            Backoff.Jitter.NONE,
            OptionalInt.empty());
    assertEquals(Duration.ofSeconds(3), b.baseDelay(1_000_000));
  }

  @Test
  void upToHalfMoreAddsAtMostHalfOfTheBase() {
    Backoff b = Backoff.AWS_CALL;
    assertEquals(Duration.ofSeconds(4), b.delay(3, Duration.ZERO, 0));
    assertEquals(Duration.ofSeconds(5), b.delay(3, Duration.ZERO, 0.5));
    assertEquals(Duration.ofMillis(5999), b.delay(3, Duration.ZERO, 0.99995));
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      Duration d = b.delay(3, random);
      assertTrue(d.compareTo(Duration.ofSeconds(4)) >= 0 && d.compareTo(Duration.ofSeconds(6)) < 0);
    }
  }

  @Test
  void upToHalfMoreDrawsOneDoubleFromTheGenerator() {
    Random drawn = new Random(42);
    Duration d = Backoff.KUBERNETES_CALL.delay(2, new Random(42));
    assertEquals(Duration.ofMillis(400 + (long) (400 * 0.5 * drawn.nextDouble())), d);
  }

  @Test
  void aFloorAboveTheBaseIsJitteredFromTheFloor() {
    Backoff b = Backoff.KUBERNETES_CALL;
    assertEquals(Duration.ofMillis(1500), b.delay(1, Duration.ofSeconds(1), 1));
    assertEquals(Duration.ofSeconds(10), b.delay(9, Duration.ofSeconds(1), 0));
  }

  @Test
  void equalJitterStaysInTheUpperHalfAndDrawsAsStepRetriesAlwaysDid() {
    Backoff b =
        new Backoff(
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            2,
            Backoff.Jitter.EQUAL,
            OptionalInt.of(6));
    Random random = new Random(7);
    Random same = new Random(7);
    for (int i = 0; i < 1000; i++) {
      Duration d = b.delay(2, random);
      assertEquals(Duration.ofMillis(10_000 + same.nextLong(10_001)), d);
      assertTrue(
          d.compareTo(Duration.ofSeconds(10)) >= 0 && d.compareTo(Duration.ofSeconds(20)) <= 0);
    }
    assertEquals(Duration.ofSeconds(10), b.delay(2, Duration.ZERO, 0));
    assertEquals(Duration.ofSeconds(20), b.delay(2, Duration.ZERO, 0.99999999));
  }

  @Test
  void equalJitterOfNothingIsNothingAndDrawsNothing() {
    Random random = new Random(3);
    assertEquals(Duration.ZERO, Backoff.Jitter.EQUAL.apply(Duration.ZERO, random));
    assertEquals(new Random(3).nextLong(), random.nextLong());
  }

  @Test
  void badValuesAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Backoff(
                Duration.ofSeconds(-1),
                Duration.ZERO,
                2,
                Backoff.Jitter.NONE,
                OptionalInt.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Backoff(Duration.ZERO, Duration.ZERO, 0, Backoff.Jitter.NONE, OptionalInt.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, Duration.ZERO, 2, Backoff.Jitter.NONE, OptionalInt.of(0)));
  }
}
