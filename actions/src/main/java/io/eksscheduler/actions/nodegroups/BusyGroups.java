package io.eksscheduler.actions.nodegroups;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether EKS is busy with a cluster or its node groups, from the statuses it reports (botocore's
 * eks model: {@code ClusterStatus}, {@code NodegroupStatus}). EKS answers ResourceInUseException to
 * an update of a node group that is CREATING, UPDATING or DELETING, and a group that failed to be
 * created or deleted cannot be scaled; a run that met either part-way through would end half done,
 * so the preflight decides before any change. DEGRADED is a health state, not work in progress: EKS
 * still accepts UpdateNodegroupConfig on such a group (its issues are printed).
 */
public final class BusyGroups {

  /** What a preflight does when EKS is busy with the cluster or a node group. */
  public enum Policy {
    /** Refuse before any change, naming what is busy (the default: a stop at night). */
    REFUSE,
    /** Wait, bounded by busyTimeout, until nothing is busy (a wake in the morning). */
    WAIT
  }

  private static final Set<String> BUSY = Set.of("CREATING", "UPDATING", "DELETING", "PENDING");
  private static final Set<String> BROKEN = Set.of("CREATE_FAILED", "DELETE_FAILED", "FAILED");

  /**
   * The verdict.
   *
   * @param busy what EKS is working on now, each with its status: waited for or refused by policy
   * @param broken what no run can change: refused whatever the policy
   * @param degraded managed node groups EKS reports DEGRADED, each with its health issues
   */
  public record Verdict(List<String> busy, List<String> broken, List<String> degraded) {

    /** True when nothing is busy or broken. */
    public boolean clear() {
      return busy.isEmpty() && broken.isEmpty();
    }
  }

  private BusyGroups() {}

  /** Judges the cluster's status and its groups' as EKS and Auto Scaling report them now. */
  public static Verdict judge(
      String cluster, String clusterStatus, List<NodeGroupSurvey.Group> groups) {
    List<String> busy = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    if (BUSY.contains(clusterStatus)) {
      busy.add("cluster " + cluster + " is " + clusterStatus);
    } else if (BROKEN.contains(clusterStatus)) {
      broken.add("cluster " + cluster + " is " + clusterStatus);
    }
    for (NodeGroupSurvey.Group g : groups) {
      String status = g.status() == null ? "ACTIVE" : g.status();
      if (BUSY.contains(status)) {
        busy.add(g.id() + " is " + status);
      } else if (BROKEN.contains(status)) {
        broken.add(
            g.id()
                + " is "
                + status
                + (g.healthIssues().isEmpty()
                    ? ""
                    : " (" + String.join("; ", g.healthIssues()) + ")"));
      } else if ("DEGRADED".equals(status)) {
        degraded.add(
            g.id()
                + " is DEGRADED"
                + (g.healthIssues().isEmpty() ? "" : ": " + String.join("; ", g.healthIssues())));
      }
    }
    return new Verdict(List.copyOf(busy), List.copyOf(broken), List.copyOf(degraded));
  }
}
