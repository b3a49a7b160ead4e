package io.eksscheduler.actions.kube;

import io.kubernetes.client.openapi.models.V1Node;

/** What a node says about itself: its instance and whether it takes new pods. */
public final class Nodes {
  /** The label EKS puts on the nodes of a managed node group: the group's name. */
  public static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";

  private Nodes() {}

  /** The instance id in a node's {@code spec.providerID} ({@code aws:///zone/i-0abc}), or null. */
  public static String instanceId(V1Node node) {
    String id = node.getSpec() == null ? null : node.getSpec().getProviderID();
    if (id == null || !id.startsWith("aws://")) {
      return null;
    }
    return id.substring(id.lastIndexOf('/') + 1);
  }

  /** True for a node marked unschedulable (cordoned). */
  public static boolean cordoned(V1Node node) {
    return Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable());
  }
}
