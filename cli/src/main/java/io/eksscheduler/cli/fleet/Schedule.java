package io.eksscheduler.cli.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * When clusters should be awake: at instant t when t falls in a window that starts on one of its
 * days, in the time zone, and that day is not a holiday; asleep otherwise.
 *
 * @param name the schedule's name in the fleet file, or empty for a cluster's own
 * @param zone the IANA time zone the windows are read in
 * @param awake the windows
 * @param calendar the public holidays of a country or subdivision, if any
 * @param dates more days asleep
 */
public record Schedule(
    Optional<String> name,
    ZoneId zone,
    List<Window> awake,
    Optional<PublicHolidays> calendar,
    Set<LocalDate> dates) {

  /** How far ahead the next change is looked for. */
  public static final Duration HORIZON = Duration.ofDays(366);

  /** What a cluster should be at an instant, and the first change after it. */
  public record Verdict(boolean awake, Optional<Change> next) {}

  /** A change of what a cluster should be: from {@code at} on, awake or asleep. */
  public record Change(Instant at, boolean awake) {}

  /** Whether {@code date} is a holiday: windows starting on it are skipped. */
  boolean holiday(LocalDate date) {
    return dates.contains(date) || calendar.map(c -> c.contains(date)).orElse(false);
  }

  /**
   * What a cluster should be at {@code t}, and the first instant strictly after {@code t} where
   * that flips, if within {@link #HORIZON}.
   */
  public Verdict at(Instant t) {
    LocalDate today = t.atZone(zone).toLocalDate();
    // From two days back (a window of yesterday may run into today, DST or not) to past the
    // horizon, so that a span crossing it merges whole.
    List<Interval> spans = awakeSpans(today.minusDays(2), today.plusDays(HORIZON.toDays() + 2));
    Instant horizon = t.plus(HORIZON);
    for (Interval span : spans) {
      if (span.contains(t)) {
        return new Verdict(true, change(span.end(), false, horizon));
      }
      if (span.start().isAfter(t)) {
        return new Verdict(false, change(span.start(), true, horizon));
      }
    }
    return new Verdict(false, Optional.empty());
  }

  private static Optional<Change> change(Instant at, boolean awake, Instant horizon) {
    return at.isAfter(horizon) ? Optional.empty() : Optional.of(new Change(at, awake));
  }

  /** The awake spans of the windows starting from {@code first} to {@code last}: sorted, merged. */
  List<Interval> awakeSpans(LocalDate first, LocalDate last) {
    List<Interval> windows = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      if (holiday(d)) {
        continue;
      }
      for (Window w : awake) {
        w.on(d, zone).ifPresent(windows::add);
      }
    }
    windows.sort(Comparator.comparing(Interval::start));
    List<Interval> merged = new ArrayList<>();
    for (Interval w : windows) {
      Interval previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (previous != null && !w.start().isAfter(previous.end())) {
        if (w.end().isAfter(previous.end())) {
          merged.set(merged.size() - 1, new Interval(previous.start(), w.end()));
        }
      } else {
        merged.add(w);
      }
    }
    return merged;
  }
}
