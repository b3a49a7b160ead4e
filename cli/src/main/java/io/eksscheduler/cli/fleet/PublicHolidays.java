package io.eksscheduler.cli.fleet;

import de.focus_shift.jollyday.core.CalendarHierarchy;
import de.focus_shift.jollyday.core.Holiday;
import de.focus_shift.jollyday.core.HolidayManager;
import de.focus_shift.jollyday.core.HolidayType;
import de.focus_shift.jollyday.core.ManagerParameters;
import java.time.LocalDate;
import java.time.Year;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The public holidays of a country or one of its subdivisions, from de.focus-shift's jollyday (its
 * XML calendars read through jollyday-jackson). A holiday moved to another day off (the Friday
 * before a 4 July on a Saturday) counts on the day off. Bank holidays and observances do not count.
 */
final class PublicHolidays {
  private final String code;
  private final HolidayManager manager;
  private final String[] subdivision;
  private final Map<Integer, Set<LocalDate>> years = new HashMap<>();

  private PublicHolidays(String code, HolidayManager manager, String[] subdivision) {
    this.code = code;
    this.manager = manager;
    this.subdivision = subdivision;
  }

  /**
   * The calendar {@code code} names: an ISO 3166-1 country ({@code DE}) or an ISO 3166-2
   * subdivision ({@code DE-BY}, {@code US-CA}, {@code AU-VIC}).
   *
   * @throws IllegalArgumentException naming what is known instead when there is no such calendar
   */
  static PublicHolidays of(String code) {
    String[] parts = code.split("-", 2);
    String country = parts[0].toUpperCase(Locale.ROOT);
    if (!country.matches("[A-Z]{2}")
        || !HolidayManager.getSupportedCalendarCodes().contains(country)) {
      throw new IllegalArgumentException(
          "unknown calendar '"
              + code
              + "': no public holidays are known for a country "
              + country
              + " (ISO 3166-1 alpha-2; see docs/fleet.md for the countries)");
    }
    HolidayManager manager =
        HolidayManager.getInstance(ManagerParameters.create(country.toLowerCase(Locale.ROOT)));
    if (parts.length == 1) {
      return new PublicHolidays(code, manager, new String[0]);
    }
    Map<String, CalendarHierarchy> children = manager.getCalendarHierarchy().getChildren();
    String sub = parts[1].toLowerCase(Locale.ROOT);
    if (!children.containsKey(sub)) {
      Set<String> known = new TreeSet<>();
      children.keySet().forEach(k -> known.add(country + "-" + k.toUpperCase(Locale.ROOT)));
      throw new IllegalArgumentException(
          "unknown calendar '"
              + code
              + "': "
              + manager.getCalendarHierarchy().getDescription(Locale.ENGLISH)
              + (known.isEmpty()
                  ? " has no subdivisions with holidays of their own; use " + country
                  : "'s subdivisions are " + String.join(", ", known)));
    }
    return new PublicHolidays(code, manager, new String[] {sub});
  }

  /** The code as the fleet file wrote it. */
  String code() {
    return code;
  }

  /** Whether {@code date} is a public holiday (a day off) of this calendar. */
  boolean contains(LocalDate date) {
    return years.computeIfAbsent(date.getYear(), this::publicHolidays).contains(date);
  }

  private Set<LocalDate> publicHolidays(int year) {
    Set<LocalDate> days = new HashSet<>();
    for (Holiday h : manager.getHolidays(Year.of(year), subdivision)) {
      if (h.getType() == HolidayType.PUBLIC_HOLIDAY) {
        days.add(h.getDate());
      }
    }
    return days;
  }
}
