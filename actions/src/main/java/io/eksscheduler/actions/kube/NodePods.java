package io.eksscheduler.actions.kube;

import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods that go with their node rather than being evicted from it: mirror (static) pods and a
 * DaemonSet's pods, as kubectl's drain filters them, and finished pods (Succeeded, Failed), which
 * hold nothing on the node; the pod garbage collector removes them with it.
 */
public final class NodePods {
  /** The annotation of a mirror (static) pod. */
  public static final String MIRROR = "kubernetes.io/config.mirror";

  private NodePods() {}

  /** True for a mirror (static) pod. */
  public static boolean mirror(V1Pod pod) {
    Map<String, String> a = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    return a != null && a.containsKey(MIRROR);
  }

  /** The owner reference of {@code pod} that is its controller, if any. */
  public static Optional<V1OwnerReference> controller(V1Pod pod) {
    List<V1OwnerReference> owners =
        pod.getMetadata() == null ? null : pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return Optional.empty();
    }
    return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }

  /** True for a pod a DaemonSet controls. */
  public static boolean ofDaemonSet(V1Pod pod) {
    return controller(pod).map(c -> "DaemonSet".equals(c.getKind())).orElse(false);
  }

  /** True for a pod that has finished: phase Succeeded or Failed. */
  public static boolean finished(V1Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** True for a pod that goes with its node: a mirror pod, a DaemonSet's, a finished one. */
  public static boolean goesWithNode(V1Pod pod) {
    return mirror(pod) || ofDaemonSet(pod) || finished(pod);
  }
}
