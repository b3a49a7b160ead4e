package io.eksscheduler.actions.pausing;

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
 * Finds the GitOps objects that {@code gitops.pause} and {@code gitops.resume} act on: Argo CD
 * Applications and Flux Kustomizations and HelmReleases, in the given namespaces, optionally only
 * those that manage workloads in given namespaces. A kind whose CRD is not installed is skipped.
 */
final class GitOpsObjects {
  private static final List<ResourceType> TYPES =
      List.of(ResourceType.APPLICATION, ResourceType.KUSTOMIZATION, ResourceType.HELM_RELEASE);

  private GitOpsObjects() {}

  /**
   * The objects in the given namespaces, each with the field a pause changes, Applications first,
   * then Kustomizations, then HelmReleases, each by namespace and name.
   *
   * @param namespaces where the objects live, empty for all
   */
  static List<Target> find(ClusterObjects objects, List<String> namespaces)
      throws ActionFailure, InterruptedException {
    List<Target> out = new ArrayList<>();
    List<String> where =
        namespaces == null || namespaces.isEmpty()
            ? Arrays.asList((String) null)
            : namespaces.stream().distinct().sorted().toList();
    for (ResourceType type : TYPES) {
      PausedField field =
          type.equals(ResourceType.APPLICATION)
              ? PausedField.ARGO_AUTOMATED
              : PausedField.FLUX_SUSPEND;
      for (String ns : where) {
        Optional<List<ClusterObject>> found = objects.list(type, ns, null);
        for (ClusterObject o : found.orElse(List.of())) {
          out.add(new Target(o, field));
        }
      }
    }
    return out;
  }

  /**
   * Which objects a step acts on: not those annotated {@code eks-scheduler.io/exclude}, only those
   * managing workloads in {@code managing} (empty for all), and not an Application without
   * automated sync and without an original: there is nothing to pause or resume on it.
   */
  static PauseDecision.Selection selection(List<String> managing) {
    Set<String> managed = Set.copyOf(managing == null ? List.of() : managing);
    return t -> {
      ClusterObject o = t.object();
      if (o.excluded()) {
        return Optional.of("annotated " + Originals.EXCLUDE + ": \"true\"");
      }
      if (!managed.isEmpty() && !managed.contains(managedNamespace(o))) {
        return Optional.of(
            "manages namespace " + managedNamespace(o) + ", not one the step's managing names");
      }
      if (t.field().equals(PausedField.ARGO_AUTOMATED)
          && t.field().current(o) == null
          && t.recorded().isEmpty()) {
        return Optional.of("automated sync is off and no original is recorded");
      }
      return Optional.empty();
    };
  }

  /**
   * The namespace whose workloads {@code o} manages: an Application's {@code
   * spec.destination.namespace}; a Flux object's {@code spec.targetNamespace}, else its own.
   */
  static String managedNamespace(ClusterObject o) {
    if (o.type().equals(ResourceType.APPLICATION)) {
      return o.json().path("spec").path("destination").path("namespace").asText(null);
    }
    String target = o.json().path("spec").path("targetNamespace").asText("");
    return target.isEmpty() ? o.namespace() : target;
  }
}
