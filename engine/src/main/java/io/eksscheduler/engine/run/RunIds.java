package io.eksscheduler.engine.run;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** Makes run ids that sort by start time, and checks ids chosen by the user. */
public final class RunIds {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private RunIds() {}

  /** A new id such as {@code 20261124T173000Z-3f9a1c}. */
  public static String next(Clock clock, RandomGenerator random) {
    return STAMP.format(clock.instant()) + "-" + String.format("%06x", random.nextInt(1 << 24));
  }

  /** Why {@code id} cannot name a run, or null when it can. */
  public static String problem(String id) {
    return VALID.matcher(id).matches()
        ? null
        : "run id '"
            + id
            + "' must be 1-128 letters, digits, '.', '_' or '-', starting with a"
            + " letter or digit";
  }
}
