package io.eksscheduler.actions.kube;

import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods that go with their node rather than being evicted from it, as kubectl's drain filters
 * them: mirror (static) pods and a DaemonSet's pods.
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

  /** True for a pod that goes with its node: a mirror pod or a DaemonSet's. */
  public static boolean goesWithNode(V1Pod pod) {
    return mirror(pod) || ofDaemonSet(pod);
  }
}
