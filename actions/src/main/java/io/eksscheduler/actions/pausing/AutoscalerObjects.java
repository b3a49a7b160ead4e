package io.eksscheduler.actions.pausing;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ClusterObjects;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.pausing.Pausing.Target;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds what {@code autoscaler.pause} and {@code autoscaler.resume} act on: the cluster-autoscaler
 * Deployment, Karpenter NodePools (static and dynamic) and KEDA ScaledObjects, in that order. A
 * Deployment that does not exist, or a kind whose CRD is not installed, is simply not there.
 */
final class AutoscalerObjects {
  static final String NODE_POOL_LABEL = "karpenter.sh/nodepool";

  /**
   * What a step looks at.
   *
   * @param clusterAutoscaler the cluster-autoscaler Deployment
   * @param deploymentNamespace its namespace
   * @param deploymentName its name
   * @param karpenter Karpenter NodePools (and their NodeClaims)
   * @param nodePools only these NodePools, empty for all
   * @param keda KEDA ScaledObjects
   * @param namespaces the ScaledObjects' namespaces, empty for all
   */
  record Scope(
      boolean clusterAutoscaler,
      String deploymentNamespace,
      String deploymentName,
      boolean karpenter,
      List<String> nodePools,
      boolean keda,
      List<String> namespaces) {

    static Scope of(
        Boolean clusterAutoscaler,
        Boolean karpenter,
        Boolean keda,
        PauseAutoscalers.Deployment deployment,
        List<String> nodePools,
        List<String> namespaces) {
      String ns = deployment == null ? null : deployment.namespace();
      String name = deployment == null ? null : deployment.name();
      return new Scope(
          !Boolean.FALSE.equals(clusterAutoscaler),
          ns == null ? "kube-system" : ns,
          name == null ? "cluster-autoscaler" : name,
          !Boolean.FALSE.equals(karpenter),
          nodePools == null ? List.of() : nodePools,
          !Boolean.FALSE.equals(keda),
          namespaces == null ? List.of() : namespaces);
    }
  }

  private AutoscalerObjects() {}

  /** Every object of the kinds in scope, as found: NodePools and ScaledObjects not yet filtered. */
  static List<Target> find(ClusterObjects objects, Scope scope)
      throws ActionFailure, InterruptedException {
    List<Target> out = new ArrayList<>();
    if (scope.clusterAutoscaler()) {
      objects
          .read(ResourceType.DEPLOYMENT, scope.deploymentNamespace(), scope.deploymentName())
          .ifPresent(d -> out.add(new Target(d, PausedField.REPLICAS)));
    }
    if (scope.karpenter()) {
      for (ClusterObject pool :
          objects.list(ResourceType.NODE_POOL, null, null).orElse(List.of())) {
        out.add(new Target(pool, nodePoolField(pool)));
      }
    }
    if (scope.keda()) {
      List<String> where =
          scope.namespaces().isEmpty()
              ? Arrays.asList((String) null)
              : scope.namespaces().stream().distinct().sorted().toList();
      for (String ns : where) {
        Optional<List<ClusterObject>> found = objects.list(ResourceType.SCALED_OBJECT, ns, null);
        for (ClusterObject so : found.orElse(List.of())) {
          out.add(new Target(so, PausedField.KEDA_PAUSED));
        }
      }
    }
    return out;
  }

  /**
   * Which objects a step acts on: the Deployment; NodePools the step names (all when none), and
   * NodePools and ScaledObjects not annotated {@code eks-scheduler.io/exclude}.
   */
  static PauseDecision.Selection selection(Scope scope) {
    Set<String> names = Set.copyOf(scope.nodePools());
    return t -> {
      ClusterObject o = t.object();
      if (o.type().equals(ResourceType.DEPLOYMENT)) {
        return Optional.empty();
      }
      if (o.type().equals(ResourceType.NODE_POOL)
          && !names.isEmpty()
          && !names.contains(o.name())) {
        return Optional.of("not one of the step's nodePools");
      }
      if (o.excluded()) {
        return Optional.of("annotated " + Originals.EXCLUDE + ": \"true\"");
      }
      return Optional.empty();
    };
  }

  /**
   * What a pause changes on {@code pool}. A static NodePool ({@code spec.replicas} set, Karpenter
   * v1.8+) keeps exactly that many nodes and its CRD allows no limit but {@code nodes}, so it is
   * paused by setting {@code replicas} to 0, which Karpenter honours by removing its nodes itself.
   * A dynamic one gets zero CPU and memory limits. A pool never switches between the two: the CRD
   * forbids setting or removing {@code replicas}, so a paused pool is still recognised at resume.
   */
  static PausedField nodePoolField(ClusterObject pool) {
    JsonNode replicas = pool.json().path("spec").get("replicas");
    return replicas != null && !replicas.isNull()
        ? PausedField.REPLICAS
        : PausedField.NODE_POOL_LIMITS;
  }

  /**
   * True when a pause of {@code t} deletes the NodeClaims of its NodePool: a dynamic pool's limits
   * stop new nodes only, while a static pool at 0 replicas removes its own.
   */
  static boolean deletesNodeClaims(Target t) {
    return t.object().type().equals(ResourceType.NODE_POOL)
        && t.field().equals(PausedField.NODE_POOL_LIMITS);
  }

  /** The NodeClaims Karpenter launched for {@code pool}; none when the CRD is not installed. */
  static List<ClusterObject> nodeClaims(ClusterObjects objects, ClusterObject pool)
      throws ActionFailure, InterruptedException {
    return objects
        .list(ResourceType.NODE_CLAIM, null, NODE_POOL_LABEL + "=" + pool.name())
        .orElse(List.of());
  }
}
