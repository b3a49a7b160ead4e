package io.eksscheduler.sandbox.aws;

import java.util.Optional;

/**
 * The size rules EKS and Auto Scaling enforce, as pure functions returning the error AWS answers.
 * EKS: {@code maxSize >= 1}, {@code minSize <= desiredSize <= maxSize} (InvalidParameterException,
 * 400). Auto Scaling: max 0 allowed, a desired capacity given outside [min, max] is a
 * ValidationError; an omitted desired capacity follows a new min or max, as documented for
 * UpdateAutoScalingGroup.
 */
public final class ScalingRules {

  /** Sizes of a group: min, desired, max. */
  public record Sizes(int min, int desired, int max) {}

  private ScalingRules() {}

  /**
   * The sizes after an EKS {@code scalingConfig} (each field optional), or the
   * InvalidParameterException EKS answers.
   */
  public static Sizes eksScaling(
      Sizes current, Optional<Integer> min, Optional<Integer> desired, Optional<Integer> max) {
    Sizes next =
        new Sizes(
            min.orElse(current.min()),
            desired.orElse(current.desired()),
            max.orElse(current.max()));
    if (next.max() < 1) {
      throw invalid("Maximum capacity " + next.max() + " can't be less than 1");
    }
    if (next.min() < 0 || next.desired() < 0) {
      throw invalid("Minimum capacity and desired size can't be negative");
    }
    if (next.min() > next.max()) {
      throw invalid(
          "Minimum capacity "
              + next.min()
              + " can't be greater than maximum capacity "
              + next.max());
    }
    if (next.min() > next.desired()) {
      throw invalid(
          "Minimum capacity "
              + next.min()
              + " can't be greater than desired size "
              + next.desired());
    }
    if (next.desired() > next.max()) {
      throw invalid("desiredSize can't be greater than maxSize");
    }
    return next;
  }

  /** The sizes after UpdateAutoScalingGroup, or its ValidationError. */
  public static Sizes asgUpdate(
      Sizes current, Optional<Integer> min, Optional<Integer> desired, Optional<Integer> max) {
    int newMin = min.orElse(current.min());
    int newMax = max.orElse(current.max());
    if (newMin < 0 || newMax < 0) {
      throw validation("Min and max size must not be negative");
    }
    if (newMin > newMax) {
      throw validation(
          "Max bound, " + newMax + ", must be greater than or equal to min bound, " + newMin);
    }
    if (desired.isPresent()) {
      int d = desired.get();
      if (d < newMin || d > newMax) {
        throw validation(
            "Desired capacity:"
                + d
                + " must be between the specified min size:"
                + newMin
                + " and max size:"
                + newMax);
      }
      return new Sizes(newMin, d, newMax);
    }
    // Omitted: a new min above the current size raises it, a new max below lowers it.
    int d = Math.min(Math.max(current.desired(), newMin), newMax);
    return new Sizes(newMin, d, newMax);
  }

  private static AwsError invalid(String message) {
    return new AwsError(400, "InvalidParameterException", message);
  }

  private static AwsError validation(String message) {
    return new AwsError(400, "ValidationError", message);
  }
}
