package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.Instance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an Auto Scaling group launches and what it terminates, per its default policies: launch in
 * the zone with the fewest instances; on scale-in terminate unprotected instances from the zone
 * with the most, the oldest first; AZRebalance moves one instance from the fullest to the emptiest
 * zone when they differ by more than one.
 */
public final class ZoneBalance {

  private ZoneBalance() {}

  /** The zones of {@code count} new instances, given the zones of the live ones. */
  public static List<String> launchZones(List<String> zones, List<Instance> live, int count) {
    Map<String, Integer> perZone = counts(zones, live);
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String zone = zones.stream().min(Comparator.comparingInt(perZone::get)).orElseThrow();
      perZone.merge(zone, 1, Integer::sum);
      chosen.add(zone);
    }
    return chosen;
  }

  /**
   * Up to {@code count} instances to terminate: never protected ones (AWS lowers the desired
   * capacity anyway and leaves them running).
   */
  public static List<Instance> toTerminate(List<String> zones, List<Instance> live, int count) {
    List<Instance> remaining = new ArrayList<>(live);
    List<Instance> chosen = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Integer> perZone = counts(zones, remaining);
      Optional<Instance> victim =
          remaining.stream()
              .filter(x -> !x.protectedFromScaleIn)
              .max(
                  Comparator.<Instance>comparingInt(x -> perZone.getOrDefault(x.zone, 0))
                      .thenComparing(x -> -x.launchedAt)
                      .thenComparing(x -> x.instanceId, Comparator.reverseOrder()));
      if (victim.isEmpty()) {
        break;
      }
      chosen.add(victim.get());
      remaining.remove(victim.get());
    }
    return chosen;
  }

  /** The instance AZRebalance would replace and the zone of its replacement, if any. */
  public static Optional<Map.Entry<Instance, String>> rebalance(
      List<String> zones, List<Instance> live) {
    Map<String, Integer> perZone = counts(zones, live);
    String emptiest = zones.stream().min(Comparator.comparingInt(perZone::get)).orElseThrow();
    String fullest = zones.stream().max(Comparator.comparingInt(perZone::get)).orElseThrow();
    if (perZone.get(fullest) - perZone.get(emptiest) <= 1) {
      return Optional.empty();
    }
    return live.stream()
        .filter(x -> x.zone.equals(fullest) && !x.protectedFromScaleIn)
        .min(
            Comparator.comparingLong((Instance x) -> x.launchedAt).thenComparing(x -> x.instanceId))
        .map(x -> Map.entry(x, emptiest));
  }

  private static Map<String, Integer> counts(List<String> zones, List<Instance> live) {
    Map<String, Integer> perZone = new LinkedHashMap<>();
    zones.forEach(z -> perZone.put(z, 0));
    for (Instance x : live) {
      perZone.merge(x.zone, 1, Integer::sum);
    }
    return perZone;
  }
}
