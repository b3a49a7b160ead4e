package io.eksscheduler.engine.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes durations in the playbook form: 90s, 15m, 1h30m, 500ms. */
public final class Durations {
  private static final Pattern FORM =
      Pattern.compile("(?=[0-9])(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?");

  private Durations() {}

  /** The duration written as {@code text}, or empty when it is not in the playbook form. */
  public static Optional<Duration> parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Duration d = Duration.ZERO;
      if (m.group(1) != null) {
        d = d.plusHours(Long.parseLong(m.group(1)));
      }
      if (m.group(2) != null) {
        d = d.plusMinutes(Long.parseLong(m.group(2)));
      }
      if (m.group(3) != null) {
        d = d.plusSeconds(Long.parseLong(m.group(3)));
      }
      if (m.group(4) != null) {
        d = d.plusMillis(Long.parseLong(m.group(4)));
      }
      return Optional.of(d);
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** The message for a duration that does not parse. */
  public static String badDuration(String text) {
    return "bad duration '"
        + text
        + "': use whole numbers with units h, m, s or ms, largest first, e.g. 90s, 15m, 1h30m";
  }

  /** The playbook form of {@code d}, e.g. 1h30m, 45s, 250ms. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long h = d.toHours();
    int m = d.toMinutesPart();
    int s = d.toSecondsPart();
    int ms = d.toMillisPart();
    if (h > 0) {
      out.append(h).append('h');
    }
    if (m > 0) {
      out.append(m).append('m');
    }
    if (s > 0) {
      out.append(s).append('s');
    }
    if (ms > 0) {
      out.append(ms).append("ms");
    }
    return out.toString();
  }
}
