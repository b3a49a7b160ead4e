package io.eksscheduler.cli.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HoldTest {
  private static final String BY = "arn:aws:sts::111122223333:assumed-role/platform/alice";

  @Test
  void aHoldIsReadBackFromItsTagValue() {
    Hold hold = new Hold(true, Instant.parse("2026-12-06T18:00:00Z"), BY, "release 4.2 @ 19:00");
    assertEquals(
        "awake until=2026-12-06T18:00:00Z by=" + BY + " reason=release 4.2 @ 19:00",
        hold.tagValue());
    assertEquals(Optional.of(hold), Hold.parse(hold.tagValue()));
    Hold asleep = new Hold(false, Instant.parse("2026-12-28T07:00:00Z"), "", "");
    assertEquals(Optional.of(asleep), Hold.parse(asleep.tagValue()));
  }

  @Test
  void aValueNotWrittenByHoldIsNotAHold() {
    assertEquals(Optional.empty(), Hold.parse("keep awake please"));
    assertEquals(Optional.empty(), Hold.parse("awake until=tomorrow by=x reason="));
    assertEquals(Optional.empty(), Hold.parse(""));
  }

  @Test
  void aHoldHoldsUntilItsInstantExclusive() {
    Hold hold = new Hold(true, Instant.parse("2026-12-06T18:00:00Z"), BY, "");
    assertTrue(hold.activeAt(Instant.parse("2026-12-06T17:59:59Z")));
    assertFalse(hold.activeAt(Instant.parse("2026-12-06T18:00:00Z")));
  }

  @Test
  void theReasonMustFitTheTagAndItsCharacters() {
    assertEquals(Optional.empty(), Hold.reasonProblem("release 4.2: db migration", BY));
    assertTrue(Hold.reasonProblem("release; then lunch", BY).orElseThrow().contains("+ - = ."));
    assertEquals(Optional.empty(), Hold.reasonProblem("x".repeat(100), BY));
    assertTrue(Hold.reasonProblem("x".repeat(101), BY).orElseThrow().contains("at most 100"));
    String longArn =
        "arn:aws:sts::111122223333:assumed-role/" + "r".repeat(64) + "/" + "s".repeat(64);
    int room =
        256
            - new Hold(true, Instant.parse("2026-12-06T18:00:00Z"), longArn, "")
                .tagValue()
                .length();
    assertTrue(room < 100, "a long ARN leaves less room: " + room);
    assertEquals(Optional.empty(), Hold.reasonProblem("x".repeat(room), longArn));
    assertTrue(
        Hold.reasonProblem("x".repeat(room + 1), longArn)
            .orElseThrow()
            .contains("at most " + room));
    Hold full = new Hold(true, Instant.parse("2026-12-06T18:00:00Z"), longArn, "x".repeat(room));
    assertEquals(256, full.tagValue().length());
  }

  @Test
  void anIdentityLosesWhatATagCannotHold() {
    assertEquals(
        "arn:aws:sts::1:assumed-role/r/alice_bob",
        Hold.sanitizedIdentity("arn:aws:sts::1:assumed-role/r/alice,bob"));
  }
}
