package io.eksscheduler.actions.drain;

import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetStatus;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import java.util.Map;

/** Nodes, pods, budgets and surveys as plain values, for the tests of the drain's decision. */
final class DrainFixtures {
  private DrainFixtures() {}

  static DrainNodes.Params params(
      Boolean deleteEmptyDirData,
      DrainNodes.UnmanagedPods unmanagedPods,
      DrainNodes.BudgetPolicy policy) {
    return new DrainNodes.Params(
        null, null, deleteEmptyDirData, unmanagedPods, null, policy, null, null);
  }

  static final DrainNodes.Params DEFAULTS = params(null, null, null);

  static V1Node node(String name, boolean cordoned) {
    return new V1Node()
        .metadata(new V1ObjectMeta().name(name))
        .spec(new V1NodeSpec().unschedulable(cordoned))
        .status(
            new V1NodeStatus()
                .conditions(List.of(new V1NodeCondition().type("Ready").status("True"))));
  }

  static V1Pod pod(String name, String node, String ownerKind) {
    V1ObjectMeta meta = new V1ObjectMeta().name(name).namespace("ns").uid("uid-" + name);
    if (ownerKind != null) {
      meta.ownerReferences(
          List.of(new V1OwnerReference().kind(ownerKind).name("o").controller(true)));
    }
    return new V1Pod()
        .metadata(meta)
        .spec(new V1PodSpec().nodeName(node))
        .status(new V1PodStatus().phase("Running"));
  }

  static V1Pod web(String name, String node) {
    V1Pod p = pod(name, node, "ReplicaSet");
    p.getMetadata().labels(Map.of("app", "web"));
    return p;
  }

  static V1PodDisruptionBudget budget(String name, Map<String, String> match, int allowed) {
    return new V1PodDisruptionBudget()
        .metadata(new V1ObjectMeta().name(name).namespace("ns"))
        .spec(new V1PodDisruptionBudgetSpec().selector(new V1LabelSelector().matchLabels(match)))
        .status(new V1PodDisruptionBudgetStatus().disruptionsAllowed(allowed));
  }

  /** A survey where every node of the cluster is selected. */
  static DrainSurvey survey(
      List<V1Node> nodes, List<V1Pod> pods, List<V1PodDisruptionBudget> budgets) {
    return new DrainSurvey(nodes, nodes, pods, budgets);
  }
}
