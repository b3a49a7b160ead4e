package io.eksscheduler.cli.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hold: a cluster kept awake or asleep until an instant, whatever its schedule says, set without
 * a Git change. It is one tag on the EKS cluster, so that every runner and the AWS console see it:
 * {@code eks-scheduler.io/hold = awake until=2026-12-06T18:00:00Z by=ARN reason=TEXT}.
 *
 * @param awake keep the cluster awake (else asleep)
 * @param until when the hold lapses
 * @param by who set it: the caller's ARN as STS reports it
 * @param reason why, possibly empty
 */
public record Hold(boolean awake, Instant until, String by, String reason) {
  /** The tag key on the EKS cluster. */
  public static final String TAG = "eks-scheduler.io/hold";

  /** The longest hold: a hold is for tonight's release or a week of testing, not for good. */
  public static final Duration MAX = Duration.ofDays(14);

  /** The most characters of an EKS tag value (botocore's eks model: TagValue, max 256). */
  public static final int MAX_VALUE = 256;

  /** The most characters of a reason, whatever room the ARN leaves. */
  public static final int MAX_REASON = 100;

  /**
   * The characters a tag value may hold in every AWS service and the console: letters, digits,
   * spaces and {@code + - = . _ : / @}.
   */
  private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N} +\\-=._:/@]*");

  private static final Pattern VALUE =
      Pattern.compile("(awake|asleep) until=(\\S+) by=(\\S*) reason=(.*)", Pattern.DOTALL);

  /** Whether the hold still holds at {@code t}. */
  public boolean activeAt(Instant t) {
    return t.isBefore(until);
  }

  /** The tag value. */
  public String tagValue() {
    return (awake ? "awake" : "asleep") + " until=" + until + " by=" + by + " reason=" + reason;
  }

  /** For a person: {@code awake until 2026-12-06T18:00:00Z (set by ARN: reason)}. */
  public String describe() {
    return (awake ? "awake" : "asleep")
        + " until "
        + until
        + " (set by "
        + (by.isEmpty() ? "unknown" : by)
        + (reason.isEmpty() ? ")" : ": " + reason + ")");
  }

  /** The hold a tag value says, or empty when the value is not one this class wrote. */
  public static Optional<Hold> parse(String value) {
    Matcher m = VALUE.matcher(value == null ? "" : value.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Hold(m.group(1).equals("awake"), Instant.parse(m.group(2)), m.group(3), m.group(4)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Why {@code reason} cannot go into the tag of a hold by {@code by}, or empty when it can: a
   * character outside what tag values allow, or more than fits.
   */
  public static Optional<String> reasonProblem(String reason, String by) {
    if (!ALLOWED.matcher(reason).matches()) {
      return Optional.of(
          "--reason may hold letters, digits, spaces and + - = . _ : / @ only (it is kept in a"
              + " tag on the EKS cluster)");
    }
    int room =
        Math.min(
            MAX_REASON,
            MAX_VALUE - new Hold(true, Instant.EPOCH.plusSeconds(1), by, "").tagValue().length());
    if (reason.length() > room) {
      return Optional.of(
          "--reason is "
              + reason.length()
              + " characters; at most "
              + room
              + " fit in the hold's tag (256 characters with the time and your identity "
              + by
              + ")");
    }
    return Optional.empty();
  }

  /**
   * {@code by} with what a tag value may not hold replaced by {@code _} (an assumed role's session
   * name may hold a comma).
   */
  public static String sanitizedIdentity(String arn) {
    return arn.replaceAll("[^\\p{L}\\p{N}+\\-=._:/@]", "_");
  }
}
