package io.eksscheduler.actions.drain;

import io.eksscheduler.actions.kube.NodePods;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, pod by pod, what a drain does with it: pure functions over the pod as fetched, each
 * returning a verdict that says why and which setting would change it (as kubectl's drain filters
 * do). The first filter that does not say "evict" wins.
 */
final class PodVerdicts {
  static final String MIRROR = NodePods.MIRROR;
  static final String DO_NOT_DISRUPT = "karpenter.sh/do-not-disrupt";
  static final String SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";

  /** What the drain does with a pod. */
  enum Action {
    /** Evict it through the Eviction API (PDBs apply). */
    EVICT,
    /** Leave it alone (DaemonSet and mirror pods: they go with the node). */
    SKIP,
    /** Leave it on the node until the node is terminated, and say so. */
    LEAVE,
    /** Refuse the whole drain before any change. */
    REFUSE
  }

  /**
   * A decision about one pod.
   *
   * @param action what to do
   * @param reason why, for the user
   */
  record Verdict(Action action, String reason) {
    static Verdict evict() {
      return new Verdict(Action.EVICT, "");
    }
  }

  /**
   * The drain's settings that change verdicts.
   *
   * @param deleteEmptyDirData evict pods using emptyDir (its data is lost)
   * @param unmanagedPods evict, leave or refuse pods with no controller
   * @param doNotDisrupt evict or leave pods marked do-not-disrupt / not safe to evict
   */
  record Settings(
      boolean deleteEmptyDirData,
      DrainNodes.UnmanagedPods unmanagedPods,
      DrainNodes.DoNotDisrupt doNotDisrupt) {}

  private PodVerdicts() {}

  /** The verdict for {@code pod}. */
  static Verdict of(V1Pod pod, Settings settings) {
    if (NodePods.mirror(pod)) {
      return new Verdict(Action.SKIP, "mirror (static) pod");
    }
    if (NodePods.ofDaemonSet(pod)) {
      return new Verdict(Action.SKIP, "DaemonSet pod");
    }
    if (NodePods.finished(pod)) {
      // kubectl evicts them; they hold nothing on the node, and leaving them keeps a Job's last
      // pod readable until the node goes (the pod garbage collector removes them with it).
      return new Verdict(
          Action.SKIP, "finished (" + pod.getStatus().getPhase() + "): goes with its node");
    }
    Optional<V1OwnerReference> controller = NodePods.controller(pod);
    if (controller.isEmpty()) {
      switch (settings.unmanagedPods()) {
        case EVICT:
          break;
        case LEAVE:
          return new Verdict(Action.LEAVE, "no controller will recreate it (unmanagedPods: leave)");
        default:
          return new Verdict(
              Action.REFUSE,
              "no controller will recreate it; set unmanagedPods: evict or leave to drain anyway");
      }
    }
    if (usesEmptyDir(pod) && !settings.deleteEmptyDirData()) {
      return new Verdict(
          Action.REFUSE,
          "uses emptyDir, whose data an eviction deletes; set deleteEmptyDirData: true");
    }
    Map<String, String> annotations = annotations(pod);
    String doNotDisrupt = annotations.get(DO_NOT_DISRUPT);
    boolean marked =
        (doNotDisrupt != null && !"false".equalsIgnoreCase(doNotDisrupt))
            || "false".equalsIgnoreCase(annotations.get(SAFE_TO_EVICT));
    if (marked && settings.doNotDisrupt() != DrainNodes.DoNotDisrupt.EVICT) {
      return new Verdict(
          Action.LEAVE,
          "marked "
              + (doNotDisrupt != null ? DO_NOT_DISRUPT : SAFE_TO_EVICT + "=false")
              + " (doNotDisrupt: evict overrides)");
    }
    return Verdict.evict();
  }

  private static boolean usesEmptyDir(V1Pod pod) {
    List<V1Volume> volumes = pod.getSpec() == null ? null : pod.getSpec().getVolumes();
    return volumes != null && volumes.stream().anyMatch(v -> v.getEmptyDir() != null);
  }

  private static Map<String, String> annotations(V1Pod pod) {
    Map<String, String> a = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }
}
