package io.eksscheduler.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(6, Duration.ofSeconds(10), Duration.ofSeconds(60));

  @Test
  void backoffDoublesFromTheSecondAttemptUpToTheCap() {
    assertEquals(Duration.ZERO, policy.baseDelayBefore(1));
    assertEquals(Duration.ofSeconds(10), policy.baseDelayBefore(2));
    assertEquals(Duration.ofSeconds(20), policy.baseDelayBefore(3));
    assertEquals(Duration.ofSeconds(40), policy.baseDelayBefore(4));
    assertEquals(Duration.ofSeconds(60), policy.baseDelayBefore(5));
    assertEquals(Duration.ofSeconds(60), policy.baseDelayBefore(1000));
  }

  @Test
  void jitterStaysInTheUpperHalf() {
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      Duration d = policy.delayBefore(3, random);
      assertTrue(
          d.compareTo(Duration.ofSeconds(10)) >= 0 && d.compareTo(Duration.ofSeconds(20)) <= 0,
          d.toString());
    }
  }

  @Test
  void attemptsCountEveryTry() {
    assertTrue(policy.allowsAnotherAfter(5));
    assertFalse(policy.allowsAnotherAfter(6));
    assertFalse(RetryPolicy.NONE.allowsAnotherAfter(1));
  }

  @Test
  void zeroAttemptsIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
  }
}
