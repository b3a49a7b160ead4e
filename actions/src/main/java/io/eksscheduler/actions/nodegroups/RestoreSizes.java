package io.eksscheduler.actions.nodegroups;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides the sizes a wake gives each node group: a pure function, unit-tested. Without a floor,
 * each group gets exactly its recorded min/desired/max. With a floor (the larger of {@code
 * --min-nodes} and the bootstrap check's recommendation) on the total of nodes, groups are first
 * raised so that every zone holding a volume is served, then one node at a time in turn until the
 * total reaches the floor, never above a group's maxSize. A floor never lowers a recorded size.
 */
public final class RestoreSizes {

  /**
   * A group to restore.
   *
   * @param name its id
   * @param min recorded minimum
   * @param desired recorded desired size
   * @param max recorded maximum
   * @param zones the zones it launches into
   */
  public record Input(String name, int min, int desired, int max, List<String> zones) {}

  /**
   * The outcome.
   *
   * @param desired the desired size per group, in input order
   * @param unservedZones volume zones that no group can serve
   * @param shortBy how many nodes the floor asked for beyond every group's maxSize
   */
  public record Result(Map<String, Integer> desired, Set<String> unservedZones, int shortBy) {}

  private RestoreSizes() {}

  public static Result decide(List<Input> groups, int floor, Set<String> volumeZones) {
    Map<String, Integer> desired = new LinkedHashMap<>();
    groups.forEach(g -> desired.put(g.name(), g.desired()));
    Set<String> unserved = new TreeSet<>();
    if (floor > 0) {
      for (String zone : new TreeSet<>(volumeZones)) {
        boolean served =
            groups.stream().anyMatch(g -> g.zones().contains(zone) && desired.get(g.name()) > 0);
        if (served) {
          continue;
        }
        Input pick =
            groups.stream()
                .filter(g -> g.zones().contains(zone) && desired.get(g.name()) < g.max())
                .min(
                    Comparator.comparingInt((Input g) -> g.zones().size())
                        .thenComparing(Input::name))
                .orElse(null);
        if (pick == null) {
          unserved.add(zone);
        } else {
          desired.merge(pick.name(), 1, Integer::sum);
        }
      }
    } else {
      for (String zone : volumeZones) {
        boolean served =
            groups.stream().anyMatch(g -> g.zones().contains(zone) && desired.get(g.name()) > 0);
        if (!served) {
          unserved.add(zone);
        }
      }
    }
    int total = desired.values().stream().mapToInt(Integer::intValue).sum();
    List<Input> order = new ArrayList<>(groups);
    while (total < floor) {
      boolean grew = false;
      for (Input g : order) {
        if (total >= floor) {
          break;
        }
        if (desired.get(g.name()) < g.max()) {
          desired.merge(g.name(), 1, Integer::sum);
          total++;
          grew = true;
        }
      }
      if (!grew) {
        break;
      }
    }
    return new Result(desired, unserved, Math.max(0, floor - total));
  }
}
