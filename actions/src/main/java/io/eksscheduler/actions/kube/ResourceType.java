package io.eksscheduler.actions.kube;

/**
 * A kind of object the pause and resume actions read through the API server's generic paths.
 *
 * @param kind the kind users read, as in {@code Application argocd/shop}
 * @param group the API group
 * @param version the served version read and patched
 * @param plural the resource name in the path
 * @param namespaced false for cluster-scoped kinds (NodePool, NodeClaim)
 */
public record ResourceType(
    String kind, String group, String version, String plural, boolean namespaced) {
  public static final ResourceType APPLICATION =
      new ResourceType("Application", "argoproj.io", "v1alpha1", "applications", true);
  public static final ResourceType KUSTOMIZATION =
      new ResourceType(
          "Kustomization", "kustomize.toolkit.fluxcd.io", "v1", "kustomizations", true);
  public static final ResourceType HELM_RELEASE =
      new ResourceType("HelmRelease", "helm.toolkit.fluxcd.io", "v2", "helmreleases", true);
  public static final ResourceType NODE_POOL =
      new ResourceType("NodePool", "karpenter.sh", "v1", "nodepools", false);
  public static final ResourceType NODE_CLAIM =
      new ResourceType("NodeClaim", "karpenter.sh", "v1", "nodeclaims", false);
  public static final ResourceType SCALED_OBJECT =
      new ResourceType("ScaledObject", "keda.sh", "v1alpha1", "scaledobjects", true);

  /** The add-ons' kinds the actions pause, resume or delete, each at the one version they use. */
  public static final java.util.List<ResourceType> ADD_ONS =
      java.util.List.of(
          APPLICATION, KUSTOMIZATION, HELM_RELEASE, NODE_POOL, NODE_CLAIM, SCALED_OBJECT);

  public static final ResourceType DEPLOYMENT =
      new ResourceType("Deployment", "apps", "v1", "deployments", true);

  /** What permissions and messages name: {@code applications.argoproj.io}. */
  String resource() {
    return plural + "." + group;
  }
}
