package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;

/**
 * Auto Scaling calls made with the API's limits and without a request token in mind: groups
 * described by name 50 at a time, page after page, and sizes read again before they are sent again.
 */
final class AutoScalingCalls {
  /**
   * The names one DescribeAutoScalingGroups takes ("By default, you can only specify up to 50
   * names", AutoScalingGroupNames in the API reference).
   */
  static final int NAMES_PER_CALL = 50;

  private AutoScalingCalls() {}

  /** {@code names} in chunks of at most {@link #NAMES_PER_CALL}, in order. */
  static List<List<String>> chunks(List<String> names) {
    List<List<String>> out = new ArrayList<>();
    for (int from = 0; from < names.size(); from += NAMES_PER_CALL) {
      out.add(List.copyOf(names.subList(from, Math.min(names.size(), from + NAMES_PER_CALL))));
    }
    return out;
  }

  /** The groups named, described 50 names at a time, each answer read to its last page. */
  static List<AutoScalingGroup> describe(
      ActionContext ctx, AutoScalingClient asg, List<String> names, String what, Instant until)
      throws ActionFailure, InterruptedException {
    List<AutoScalingGroup> out = new ArrayList<>();
    for (List<String> chunk : chunks(names)) {
      out.addAll(
          AwsCalls.call(
              ctx,
              what,
              until,
              () -> {
                List<AutoScalingGroup> all = new ArrayList<>();
                asg.describeAutoScalingGroupsPaginator(r -> r.autoScalingGroupNames(chunk))
                    .autoScalingGroups()
                    .forEach(all::add);
                return all;
              }));
    }
    return out;
  }

  /**
   * Sets a group's sizes ({@code max} null: unchanged). Auto Scaling takes no request token, so an
   * attempt whose answer was lost may have taken effect: before sending again, the group is read,
   * and nothing is sent when it has the sizes already. Sending the same sizes again would be
   * harmless (no scaling activity starts when the desired capacity does not change), but not
   * sending them is plainly so.
   *
   * @return whether a call was answered (false when a re-read found the sizes set)
   */
  static boolean setSizes(
      ActionContext ctx,
      AutoScalingClient asg,
      String name,
      int min,
      int desired,
      Integer max,
      Instant until)
      throws ActionFailure, InterruptedException {
    String sizes = min + "/" + desired + "/" + (max == null ? "-" : max);
    AtomicBoolean tried = new AtomicBoolean();
    return AwsCalls.call(
        ctx,
        "scaling Auto Scaling group " + name + " to " + sizes,
        until,
        () -> {
          if (tried.get()
              && asg
                  .describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
                  .autoScalingGroups()
                  .stream()
                  .anyMatch(g -> has(g, min, desired, max))) {
            return false;
          }
          tried.set(true);
          asg.updateAutoScalingGroup(
              r -> r.autoScalingGroupName(name).minSize(min).desiredCapacity(desired).maxSize(max));
          return true;
        });
  }

  /** Whether {@code g} has these sizes ({@code max} null: any). */
  static boolean has(AutoScalingGroup g, int min, int desired, Integer max) {
    return g.minSize() == min
        && g.desiredCapacity() == desired
        && (max == null || g.maxSize().equals(max));
  }
}
