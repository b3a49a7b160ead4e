package io.eksscheduler.cli.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Node-hours asleep from the stops' records and the starts' beginnings. */
class SleepAccountingTest {
  private static final Instant MONTH = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  private static SleepAccounting.Stop stop(String id, String at, SleepAccounting.Group... groups) {
    return new SleepAccounting.Stop(id, Instant.parse(at), List.of(groups));
  }

  private static final SleepAccounting.Group GENERAL =
      new SleepAccounting.Group("nodegroup general", 3, "m5.large", false);
  private static final SleepAccounting.Group SYSTEM =
      new SleepAccounting.Group("nodegroup system", 2, "t3.medium", true);

  @Test
  void aSleepLastsUntilTheNextStartBeganAndIsClippedToThePeriod() {
    List<SleepAccounting.Sleep> sleeps =
        SleepAccounting.sleeps(
            List.of(
                // Began last month: counted from the month's start.
                stop("r1", "2026-11-30T18:00:00Z", GENERAL),
                stop("r2", "2026-12-01T18:00:00Z", GENERAL, SYSTEM),
                // Still asleep: counted up to now.
                stop("r3", "2026-12-06T02:00:00Z", GENERAL)),
            List.of(
                Instant.parse("2026-11-30T10:00:00Z"),
                Instant.parse("2026-12-01T06:00:00Z"),
                Instant.parse("2026-12-02T06:00:00Z")),
            MONTH,
            NOW);
    assertEquals(3, sleeps.size());
    assertEquals(6.0, sleeps.get(0).hours(), 1e-9);
    assertEquals(12.0, sleeps.get(1).hours(), 1e-9);
    assertEquals(10.0, sleeps.get(2).hours(), 1e-9);
    List<SleepAccounting.Usage> usage = SleepAccounting.usage(sleeps);
    assertEquals(
        List.of(
            new SleepAccounting.Usage("m5.large", false, 3 * 6.0 + 3 * 12.0 + 3 * 10.0),
            new SleepAccounting.Usage("t3.medium", true, 2 * 12.0)),
        usage);
  }

  @Test
  void aSleepEndedBeforeThePeriodCountsNothing() {
    assertEquals(
        List.of(),
        SleepAccounting.sleeps(
            List.of(stop("r1", "2026-11-29T18:00:00Z", GENERAL)),
            List.of(Instant.parse("2026-11-30T06:00:00Z")),
            MONTH,
            NOW));
  }

  @Test
  void aSecondStopWithoutAStartBetweenEndsTheFirstsSleep() {
    // Someone brought nodes back by hand; the second stop removed them again: never counted twice.
    List<SleepAccounting.Sleep> sleeps =
        SleepAccounting.sleeps(
            List.of(
                stop("r2", "2026-12-05T20:00:00Z", GENERAL),
                stop("r1", "2026-12-05T18:00:00Z", GENERAL)),
            List.of(),
            MONTH,
            Instant.parse("2026-12-05T21:00:00Z"));
    assertEquals(List.of("r1", "r2"), sleeps.stream().map(SleepAccounting.Sleep::stopRun).toList());
    assertEquals(2.0, sleeps.get(0).hours(), 1e-9);
    assertEquals(1.0, sleeps.get(1).hours(), 1e-9);
  }

  @Test
  void groupsWithoutNodesOrTypeAreKeptApart() {
    List<SleepAccounting.Usage> usage =
        SleepAccounting.usage(
            SleepAccounting.sleeps(
                List.of(
                    stop(
                        "r1",
                        "2026-12-05T10:00:00Z",
                        new SleepAccounting.Group("asg batch", 2, null, false),
                        new SleepAccounting.Group("nodegroup empty", 0, "m5.large", false))),
                List.of(),
                MONTH,
                Instant.parse("2026-12-05T11:30:00Z")));
    assertEquals(List.of(new SleepAccounting.Usage(null, false, 3.0)), usage);
  }
}
