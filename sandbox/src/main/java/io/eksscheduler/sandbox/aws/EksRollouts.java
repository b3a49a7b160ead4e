package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import io.eksscheduler.sandbox.aws.SimulatedAws.Instance;
import io.eksscheduler.sandbox.aws.SimulatedAws.Update;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A VersionUpdate's rolling replacement of a managed node group's nodes, the phases of EKS's
 * managed node update behavior simplified
 * (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html):
 *
 * <ol>
 *   <li>scale-up: the backing group's desired and maximum sizes grow by the surge, the larger of
 *       twice its zones and maxUnavailable (1), at most the nodes to replace; the new instances
 *       launch and join as any scale-out's;
 *   <li>upgrade: once no instance of the group is Pending or Terminating, one old node at a time
 *       (maxUnavailable 1) is cordoned and drained through the Eviction API, PDBs respected, up to
 *       the eviction limit, then terminated, as managed scale-in does ({@link NodeReconciler});
 *   <li>scale-down: each old node that goes takes one instance of the surge with it; once the surge
 *       is spent, the backing group replaces an old node that goes with a new one.
 * </ol>
 *
 * <p>The k-th old node is not drained before {@link #PER_NODE} × k after the update began, and the
 * update is Successful once every old node is gone, the group is at its desired size with its
 * instances InService, and {@link #PER_NODE} × nodes (at least one) has passed. A suspended Launch
 * or Terminate process fails it, as a ConfigUpdate's.
 */
final class EksRollouts {

  /** The least simulated time a VersionUpdate takes per node (launch, drain, termination). */
  static final Duration PER_NODE = Duration.ofMinutes(3);

  private EksRollouts() {}

  /** Records what {@code update} replaces and starts the scale-up phase. */
  static void start(SimulatorConfig config, Group group, Update update) {
    for (Instance i : Simulator.live(group)) {
      update.replacing.add(i.instanceId);
      update.replacingAddresses.add(i.internalIp);
    }
    update.perNodeMillis = config.scaled(PER_NODE.toMillis());
    update.completesAt =
        update.createdAt + update.perNodeMillis * Math.max(1, update.replacing.size());
    group.surge = surge(group.zones.size(), update.replacing.size());
  }

  /** Instances added for the scale-up phase: max(2 × zones, 1), at most the nodes to replace. */
  static int surge(int zones, int nodes) {
    return Math.min(Math.max(2 * zones, 1), nodes);
  }

  /** Moves every VersionUpdate InProgress one step on; true when something changed. */
  static boolean advance(Simulator simulator, SimulatedAws state, long now) {
    boolean changed = false;
    for (Update u : state.updates.values()) {
      if (!"VersionUpdate".equals(u.type) || !u.status.equals("InProgress")) {
        continue;
      }
      Group g = simulator.group(u.nodegroupName).orElse(null);
      if (g != null) {
        changed |= advance(simulator, g, u, now);
      }
    }
    return changed;
  }

  private static boolean advance(Simulator simulator, Group g, Update u, long now) {
    Set<String> old = Set.copyOf(u.replacing);
    List<Instance> oldLive =
        Simulator.live(g).stream().filter(i -> old.contains(i.instanceId)).toList();
    boolean oldLeft = g.instances.stream().anyMatch(i -> old.contains(i.instanceId));
    for (String process : List.of("Launch", "Terminate")) {
      if (oldLeft && g.suspendedProcesses.containsKey(process)) {
        u.status = "Failed";
        u.errors.add(
            error(
                process.equals("Launch") ? "AsgInstanceLaunchFailures" : "OperationNotPermitted",
                process + " is suspended on Auto Scaling group " + g.asgName,
                g));
        g.surge = 0;
        g.modifiedAt = now;
        return true;
      }
    }
    boolean settling =
        g.instances.stream().anyMatch(i -> !i.lifecycleState.equals(SimulatedAws.IN_SERVICE));
    if (!oldLive.isEmpty()) {
      if (settling || now < u.createdAt + u.perNodeMillis * u.drained) {
        return false;
      }
      simulator.startTermination(g, oldLive.get(0), now);
      if (g.surge > 0) {
        g.surge--;
      }
      u.drained++;
      return true;
    }
    if (!oldLeft
        && !settling
        && Simulator.live(g).size() == g.desiredCapacity
        && now >= u.completesAt) {
      g.surge = 0;
      u.status = "Successful";
      g.releaseVersion = u.releaseVersion;
      g.modifiedAt = now;
      return true;
    }
    return false;
  }

  static Map<String, Object> error(String code, String message, Group group) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("errorCode", code);
    e.put("errorMessage", message);
    e.put("resourceIds", List.of(group.asgName));
    return e;
  }
}
