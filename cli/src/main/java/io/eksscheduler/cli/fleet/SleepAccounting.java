package io.eksscheduler.cli.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Node-hours asleep in a period, from what each stop recorded: the nodes each group ran when the
 * stop found it (count, instance type, Spot or not) and when its nodes were gone (its node groups'
 * step finished). A sleep lasts until the next start began (its nodes come back after that: the
 * count is a little low, never high) or the next stop that found nodes again, and is clipped to the
 * period. Pure: {@code fleet status} gives it what it read from the cluster's run store.
 */
public final class SleepAccounting {

  /**
   * What a stop recorded of one group.
   *
   * @param group {@code nodegroup NAME} or {@code asg NAME}
   * @param count its nodes when the stop found it
   * @param instanceType their instance type, or null when the group did not say
   * @param spot Spot capacity: an on-demand price is then an upper bound
   */
  public record Group(String group, int count, String instanceType, boolean spot) {}

  /**
   * A stop that removed nodes.
   *
   * @param runId its run
   * @param asleepFrom when its nodes were gone
   * @param groups what it recorded of each group
   */
  public record Stop(String runId, Instant asleepFrom, List<Group> groups) {
    public Stop {
      groups = List.copyOf(groups);
    }
  }

  /**
   * One sleep within the period.
   *
   * @param stopRun the stop that began it
   * @param from its start, clipped to the period
   * @param to its end (a start began, or the period's end: still asleep), clipped
   * @param groups the nodes it removed
   */
  public record Sleep(String stopRun, Instant from, Instant to, List<Group> groups) {
    public double hours() {
      return Duration.between(from, to).toMillis() / 3_600_000.0;
    }
  }

  /**
   * Node-hours of one instance type.
   *
   * @param instanceType the type, or null when a group did not say
   * @param spot whether any of them were Spot
   * @param nodeHours nodes × hours asleep
   */
  public record Usage(String instanceType, boolean spot, double nodeHours) {}

  private SleepAccounting() {}

  /**
   * The sleeps of {@code stops} within [{@code periodStart}, {@code periodEnd}), each ended by the
   * first of {@code starts} (when start runs began) after it, or the next stop.
   */
  public static List<Sleep> sleeps(
      List<Stop> stops, List<Instant> starts, Instant periodStart, Instant periodEnd) {
    List<Stop> ordered =
        stops.stream()
            .sorted(Comparator.comparing(Stop::asleepFrom).thenComparing(Stop::runId))
            .toList();
    List<Instant> begun = starts.stream().sorted().toList();
    List<Sleep> out = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      Stop stop = ordered.get(i);
      Instant end = periodEnd;
      Optional<Instant> woken =
          begun.stream().filter(t -> t.isAfter(stop.asleepFrom())).findFirst();
      if (woken.isPresent() && woken.get().isBefore(end)) {
        end = woken.get();
      }
      if (i + 1 < ordered.size() && ordered.get(i + 1).asleepFrom().isBefore(end)) {
        end = ordered.get(i + 1).asleepFrom();
      }
      Instant from = stop.asleepFrom().isBefore(periodStart) ? periodStart : stop.asleepFrom();
      if (from.isBefore(end)) {
        out.add(new Sleep(stop.runId(), from, end, stop.groups()));
      }
    }
    return out;
  }

  /** Node-hours per instance type (types in order, an unknown type last). */
  public static List<Usage> usage(List<Sleep> sleeps) {
    Map<String, double[]> hours = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
    Map<String, Boolean> spot = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
    for (Sleep s : sleeps) {
      for (Group g : s.groups()) {
        if (g.count() <= 0) {
          continue;
        }
        hours.computeIfAbsent(g.instanceType(), t -> new double[1])[0] += g.count() * s.hours();
        spot.merge(g.instanceType(), g.spot(), Boolean::logicalOr);
      }
    }
    List<Usage> out = new ArrayList<>();
    hours.forEach((type, h) -> out.add(new Usage(type, spot.get(type), h[0])));
    return out;
  }
}
