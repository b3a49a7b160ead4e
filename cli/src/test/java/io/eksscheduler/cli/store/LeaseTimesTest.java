package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaseTimesTest {
  private static final long S = 1_000_000_000L;
  private static final Duration LEASE = Duration.ofSeconds(30);

  @Test
  void theRenewDeadlineIsTwoThirdsOfTheLeaseAfterTheRenewalWasSent() {
    assertEquals(1_000 + 20 * S, LeaseTimes.renewDeadline(1_000, LEASE));
  }

  @Test
  void aRenewalIsDueAfterAThirdOfTheLease() {
    assertFalse(LeaseTimes.renewDue(10 * S - 1, 0, 0, LEASE));
    assertTrue(LeaseTimes.renewDue(10 * S, 0, 0, LEASE));
  }

  @Test
  void aFailedRenewalIsTriedAgainASecondLater() {
    assertFalse(LeaseTimes.renewDue(12 * S, 0, 11 * S + 1, LEASE));
    assertTrue(LeaseTimes.renewDue(12 * S, 0, 11 * S, LEASE));
  }

  @Test
  void aHolderRenewingIsSeenAlive() {
    LeaseTimes.Watch watch = new LeaseTimes.Watch();
    assertEquals(LeaseTimes.Watch.Seen.FIRST, watch.see("other@t1", 0));
    assertEquals(LeaseTimes.Watch.Seen.SAME, watch.see("other@t1", 2 * S));
    assertEquals(LeaseTimes.Watch.Seen.CHANGED, watch.see("other@t2", 4 * S));
  }

  @Test
  void aLeaseTakenByAThirdRunnerIsAChange() {
    LeaseTimes.Watch watch = new LeaseTimes.Watch();
    watch.see("other@t1", 0);
    assertEquals(LeaseTimes.Watch.Seen.CHANGED, watch.see("third@t1", S));
  }

  @Test
  void theWatchPollsEveryTwoSecondsUntilTheLeaseLapses() {
    LeaseTimes.Watch watch = new LeaseTimes.Watch();
    watch.see("other@t1", 100 * S);
    assertEquals(Optional.of(Duration.ofSeconds(2)), watch.pause(5, 100 * S));
    assertEquals(Optional.of(Duration.ofSeconds(1)), watch.pause(5, 104 * S));
    assertEquals(Optional.empty(), watch.pause(5, 105 * S));
  }

  @Test
  void theWaitIsTimedFromTheFirstReading() {
    LeaseTimes.Watch watch = new LeaseTimes.Watch();
    watch.see("other@t1", 50 * S);
    watch.see("other@t1", 90 * S);
    assertEquals(Optional.of(Duration.ofSeconds(2)), watch.pause(60, 90 * S));
    assertEquals(Optional.empty(), watch.pause(60, 110 * S));
  }
}
