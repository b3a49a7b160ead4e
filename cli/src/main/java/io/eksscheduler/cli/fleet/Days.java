package io.eksscheduler.cli.fleet;

import java.time.DayOfWeek;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The days a window starts on, as written in a fleet file: day names {@code Mon} .. {@code Sun},
 * ranges that may wrap ({@code Mon-Fri}, {@code Fri-Mon}) and lists of both ({@code Sat,Sun}).
 */
final class Days {
  static final List<String> NAMES = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

  private Days() {}

  /** The days {@code text} names, or empty when it is not in the grammar above. */
  static Optional<Set<DayOfWeek>> parse(String text) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String item : text.split(",", -1)) {
      String[] ends = item.split("-", -1);
      if (ends.length > 2) {
        return Optional.empty();
      }
      int first = NAMES.indexOf(ends[0]);
      int last = NAMES.indexOf(ends[ends.length - 1]);
      if (first < 0 || last < 0) {
        return Optional.empty();
      }
      for (int d = first; ; d = (d + 1) % 7) {
        days.add(DayOfWeek.of(d + 1));
        if (d == last) {
          break;
        }
      }
    }
    return Optional.of(days);
  }
}
