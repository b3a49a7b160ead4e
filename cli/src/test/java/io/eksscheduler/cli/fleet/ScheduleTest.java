package io.eksscheduler.cli.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a schedule wants at an instant and when that next flips: DST changes, windows past midnight,
 * holidays of one subdivision and not another, explicit dates, wrapping day ranges.
 */
class ScheduleTest {
  @TempDir Path dir;

  private Schedule schedule(String zone, String awake, String holidays) throws Exception {
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(
        file,
        "apiVersion: eks-scheduler/v1\n"
            + "kind: Fleet\n"
            + "metadata: {name: test}\n"
            + "schedules:\n"
            + "  s:\n"
            + "    timeZone: "
            + zone
            + "\n"
            + "    awake: "
            + awake
            + "\n"
            + (holidays.isEmpty() ? "" : "    holidays: " + holidays + "\n")
            + "clusters:\n"
            + "  - {name: c, region: eu-west-1, schedule: s}\n");
    FleetLoader.Result result =
        new FleetLoader(new SchemaCheck(), YamlLimits.DEFAULT).load(file, "fleet.yaml");
    assertEquals(java.util.List.of(), result.problems());
    return result.fleet().orElseThrow().schedules().get("s");
  }

  /** "awake until X" / "asleep until X" / "... for good" at {@code instant}. */
  private static String plan(Schedule s, String instant) {
    Schedule.Verdict v = s.at(Instant.parse(instant));
    return (v.awake() ? "awake" : "asleep")
        + v.next()
            .map(n -> " until " + n.at() + (n.awake() == v.awake() ? " (no flip!)" : ""))
            .orElse(" for good");
  }

  private static final String OFFICE = "[{days: Mon-Fri, from: \"07:00\", to: \"19:00\"}]";

  @Test
  void officeHoursInBerlinFollowTheWallClockAcrossBothDstChanges() throws Exception {
    Schedule s = schedule("Europe/Berlin", OFFICE, "");
    // Friday before the spring change, 19:00 CET = 18:00Z; Monday after, 07:00 CEST = 05:00Z.
    assertEquals("awake until 2026-03-27T18:00:00Z", plan(s, "2026-03-27T12:00:00Z"));
    assertEquals("asleep until 2026-03-30T05:00:00Z", plan(s, "2026-03-27T18:00:00Z"));
    // Friday before the autumn change, 19:00 CEST = 17:00Z; Monday after, 07:00 CET = 06:00Z.
    assertEquals("asleep until 2026-10-26T06:00:00Z", plan(s, "2026-10-23T17:00:00Z"));
    assertEquals("awake until 2026-10-26T18:00:00Z", plan(s, "2026-10-26T06:00:00Z"));
  }

  @Test
  void aWindowStartingInTheSpringGapStartsLaterByTheGap() throws Exception {
    // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist and becomes 03:30 CEST.
    Schedule s = schedule("Europe/Berlin", "[{days: Sun, from: \"02:30\", to: \"06:00\"}]", "");
    assertEquals("asleep until 2026-03-29T01:30:00Z", plan(s, "2026-03-29T00:45:00Z"));
    assertEquals("awake until 2026-03-29T04:00:00Z", plan(s, "2026-03-29T01:30:00Z"));
    // A week later the same window is 02:30 CEST = 00:30Z.
    assertEquals("asleep until 2026-04-05T00:30:00Z", plan(s, "2026-03-29T04:00:00Z"));
  }

  @Test
  void aWindowStartingInTheAutumnOverlapTakesTheEarlierOffset() throws Exception {
    // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice; the first (CEST) counts.
    Schedule s = schedule("Europe/Berlin", "[{days: Sun, from: \"02:30\", to: \"04:00\"}]", "");
    assertEquals("asleep until 2026-10-25T00:30:00Z", plan(s, "2026-10-25T00:00:00Z"));
    // It ends at 04:00 CET = 03:00Z: two and a half hours long that night.
    assertEquals("awake until 2026-10-25T03:00:00Z", plan(s, "2026-10-25T00:30:00Z"));
  }

  @Test
  void aWindowPastMidnightBelongsToTheDayItStartsOn() throws Exception {
    Schedule s =
        schedule(
            "Europe/Berlin",
            "[{days: Fri, from: \"22:00\", to: \"06:00\"}]",
            "{dates: [\"2026-12-11\", \"2026-12-19\"]}");
    // Friday 2026-12-04 22:00 CET to Saturday 06:00 CET.
    assertEquals("awake until 2026-12-05T05:00:00Z", plan(s, "2026-12-05T02:00:00Z"));
    // Friday 2026-12-11 is a holiday: its night is skipped; the next is Friday 2026-12-18's.
    assertEquals("asleep until 2026-12-18T21:00:00Z", plan(s, "2026-12-05T05:00:00Z"));
    // Saturday 2026-12-19 is a holiday too, but the window started on Friday: it runs.
    assertEquals("awake until 2026-12-19T05:00:00Z", plan(s, "2026-12-18T23:00:00Z"));
  }

  @Test
  void aHolidayOfBavariaIsAWorkingDayInBerlin() throws Exception {
    // Corpus Christi, Thursday 2026-06-04: a public holiday in DE-BY, not in DE-BE.
    Schedule bavaria = schedule("Europe/Berlin", OFFICE, "{calendar: DE-BY}");
    Schedule berlin = schedule("Europe/Berlin", OFFICE, "{calendar: DE-BE}");
    assertEquals("asleep until 2026-06-05T05:00:00Z", plan(bavaria, "2026-06-04T08:00:00Z"));
    assertEquals("awake until 2026-06-04T17:00:00Z", plan(berlin, "2026-06-04T08:00:00Z"));
    // Wednesday evening: Bavaria's next start skips the Thursday.
    assertEquals("asleep until 2026-06-05T05:00:00Z", plan(bavaria, "2026-06-03T17:00:00Z"));
    assertEquals("asleep until 2026-06-04T05:00:00Z", plan(berlin, "2026-06-03T17:00:00Z"));
  }

  @Test
  void californiasHolidaysAreNotNewYorks() throws Exception {
    String office = "[{days: Mon-Fri, from: \"08:00\", to: \"20:00\"}]";
    Schedule california = schedule("America/Los_Angeles", office, "{calendar: US-CA}");
    Schedule newYork = schedule("America/New_York", office, "{calendar: US-NY}");
    // César Chávez Day, Tuesday 2026-03-31: a state holiday of California only.
    assertEquals("asleep until 2026-04-01T15:00:00Z", plan(california, "2026-03-31T18:00:00Z"));
    assertEquals("awake until 2026-04-01T00:00:00Z", plan(newYork, "2026-03-31T18:00:00Z"));
    // Independence Day 2026 is a Saturday: the day off is Friday 3 July, in both.
    assertEquals("asleep until 2026-07-06T15:00:00Z", plan(california, "2026-07-03T18:00:00Z"));
    assertEquals("asleep until 2026-07-06T12:00:00Z", plan(newYork, "2026-07-03T18:00:00Z"));
  }

  @Test
  void explicitDatesAreWholeDaysAsleep() throws Exception {
    Schedule s =
        schedule(
            "Europe/Berlin", OFFICE, "{calendar: DE-BY, dates: [\"2026-12-24\", \"2026-12-31\"]}");
    // Wednesday 23rd 19:00 CET; 24th a date, 25th/26th public holidays, 27th Sunday.
    assertEquals("asleep until 2026-12-28T06:00:00Z", plan(s, "2026-12-23T18:00:00Z"));
    // Wednesday 30th, then 31st a date, 1 January a public holiday, then the weekend.
    assertEquals("asleep until 2027-01-04T06:00:00Z", plan(s, "2026-12-30T18:00:00Z"));
  }

  @Test
  void dayRangesWrapAndListsCombine() throws Exception {
    Schedule s =
        schedule(
            "UTC",
            "[{days: \"Fri-Mon\", from: \"10:00\", to: \"11:00\"}, {days: \"Wed,Sat\", from:"
                + " \"12:00\", to: \"13:00\"}]",
            "");
    // 2026-12-04 is a Friday.
    assertEquals("asleep until 2026-12-04T10:00:00Z", plan(s, "2026-12-03T12:00:00Z"));
    assertEquals("asleep until 2026-12-05T10:00:00Z", plan(s, "2026-12-04T11:00:00Z"));
    assertEquals("asleep until 2026-12-05T12:00:00Z", plan(s, "2026-12-05T11:00:00Z"));
    assertEquals("asleep until 2026-12-06T10:00:00Z", plan(s, "2026-12-05T13:00:00Z"));
    assertEquals("asleep until 2026-12-07T10:00:00Z", plan(s, "2026-12-06T11:00:00Z"));
    // Monday's window, then Wednesday's: Tuesday is not in Fri-Mon.
    assertEquals("asleep until 2026-12-09T12:00:00Z", plan(s, "2026-12-07T11:00:00Z"));
  }

  @Test
  void windowsThatTouchMergeAndNeverFlipWithin366Days() throws Exception {
    Schedule always =
        schedule(
            "Europe/Berlin",
            "[{days: Mon-Sun, from: \"00:00\", to: \"12:00\"}, {days: Mon-Sun, from: \"12:00\","
                + " to: \"24:00\"}]",
            "");
    assertEquals("awake for good", plan(always, "2026-03-29T01:30:00Z"));
    Schedule never = schedule("Europe/Berlin", "[]", "");
    assertEquals("asleep for good", plan(never, "2026-03-29T01:30:00Z"));
  }

  @Test
  void aChangeExactlyAtTheInstantIsNotTheNextOne() throws Exception {
    Schedule s = schedule("UTC", OFFICE, "");
    // 2026-12-07 07:00Z is Monday's start: awake from then, the next change is its end.
    assertEquals("awake until 2026-12-07T19:00:00Z", plan(s, "2026-12-07T07:00:00Z"));
    assertEquals("asleep until 2026-12-07T07:00:00Z", plan(s, "2026-12-07T06:59:59.999Z"));
    assertEquals(Optional.empty(), schedule("UTC", "[]", "").at(Instant.EPOCH).next());
  }
}
