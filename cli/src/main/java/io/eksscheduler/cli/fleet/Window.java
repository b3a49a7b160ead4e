package io.eksscheduler.cli.fleet;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;

/**
 * One awake window of a schedule: {@code [from, to)} in local wall-clock time, starting on each of
 * {@code days}. When {@code to} is earlier than {@code from} the window runs past midnight and
 * belongs to the day it starts on; {@code to} 24:00 is the end of that day.
 *
 * @param days the days the window starts on
 * @param from the start, local time
 * @param to the end, local time; {@code null} for 24:00
 */
record Window(Set<DayOfWeek> days, LocalTime from, LocalTime to) {

  /**
   * The window that starts on {@code date} in {@code zone}, if it starts that day and is not empty.
   * Wall-clock times resolve as {@link ZonedDateTime#of}: one in a DST gap moves later by the gap,
   * one in an overlap takes the earlier offset.
   */
  Optional<Interval> on(LocalDate date, ZoneId zone) {
    if (!days.contains(date.getDayOfWeek())) {
      return Optional.empty();
    }
    ZonedDateTime start = ZonedDateTime.of(date, from, zone);
    ZonedDateTime end =
        to == null
            ? ZonedDateTime.of(date.plusDays(1), LocalTime.MIDNIGHT, zone)
            : ZonedDateTime.of(to.isAfter(from) ? date : date.plusDays(1), to, zone);
    // A window inside a DST gap (02:15-02:45 on the spring change) has no instant at all.
    return end.isAfter(start)
        ? Optional.of(new Interval(start.toInstant(), end.toInstant()))
        : Optional.empty();
  }
}
