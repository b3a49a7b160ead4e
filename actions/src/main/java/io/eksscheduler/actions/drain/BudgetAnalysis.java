package io.eksscheduler.actions.drain;

import io.eksscheduler.actions.kube.Names;
import io.eksscheduler.actions.kube.Selectors;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Taint;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds, before anything changes, the PodDisruptionBudgets a drain can never meet: when every node
 * that could take a replacement is itself being drained, evicting past the budget's allowance waits
 * forever (the CoreDNS add-on's {@code maxUnavailable: 1} on a full-cluster drain, see
 * HIBERNATION-FACTS.md section 2). Pure: works on objects already fetched.
 */
final class BudgetAnalysis {

  /**
   * One budget as the drain sees it.
   *
   * @param name namespace/name of the PDB
   * @param allowed its {@code status.disruptionsAllowed} now
   * @param pods namespace/name of the pods the drain would evict under it
   * @param meetable false when replacements have nowhere to run and pods exceed the allowance
   */
  record Budget(String name, int allowed, List<String> pods, boolean meetable) {}

  /**
   * What the analysis found.
   *
   * @param budgets the budgets covering pods to evict
   * @param budgetOfPod namespace/name of a pod to the budget covering it
   * @param conflicts pods covered by more than one budget (the API server refuses to evict them)
   */
  record Result(
      Map<String, Budget> budgets, Map<String, String> budgetOfPod, List<String> conflicts) {

    List<Budget> unmeetable() {
      return budgets.values().stream().filter(b -> !b.meetable()).toList();
    }
  }

  private BudgetAnalysis() {}

  static Result analyse(
      Collection<V1Pod> toEvict,
      Collection<V1PodDisruptionBudget> budgets,
      Collection<V1Node> nodes,
      Set<String> draining) {
    Map<String, List<String>> podsOf = new LinkedHashMap<>();
    Map<String, V1PodDisruptionBudget> byName = new LinkedHashMap<>();
    Map<String, String> budgetOfPod = new LinkedHashMap<>();
    List<String> conflicts = new ArrayList<>();
    Map<String, V1Pod> podByName = new LinkedHashMap<>();
    for (V1Pod pod : toEvict) {
      String podName = Names.of(pod.getMetadata());
      podByName.put(podName, pod);
      List<String> covering = new ArrayList<>();
      for (V1PodDisruptionBudget pdb : budgets) {
        if (pdb.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
            && pdb.getSpec() != null
            && Selectors.matches(pdb.getSpec().getSelector(), pod.getMetadata().getLabels())) {
          covering.add(Names.of(pdb.getMetadata()));
          byName.put(Names.of(pdb.getMetadata()), pdb);
        }
      }
      if (covering.size() > 1) {
        conflicts.add(podName + " (" + String.join(", ", covering) + ")");
      } else if (covering.size() == 1) {
        budgetOfPod.put(podName, covering.get(0));
        podsOf.computeIfAbsent(covering.get(0), k -> new ArrayList<>()).add(podName);
      }
    }
    Map<String, Budget> result = new LinkedHashMap<>();
    podsOf.forEach(
        (name, pods) -> {
          int allowed = allowed(byName.get(name));
          V1Pod sample = podByName.get(pods.get(0));
          boolean room =
              nodes.stream()
                  .anyMatch(n -> !draining.contains(n.getMetadata().getName()) && fits(sample, n));
          result.put(name, new Budget(name, allowed, pods, room || pods.size() <= allowed));
        });
    return new Result(result, budgetOfPod, conflicts);
  }

  /**
   * Whether a replacement of {@code pod} could run on {@code node}: Ready, schedulable, labels
   * matching the pod's nodeSelector, and every NoSchedule/NoExecute taint tolerated. Affinity and
   * resources are not weighed: a budget judged meetable may still wait, bounded by budgetDeadline.
   */
  static boolean fits(V1Pod pod, V1Node node) {
    if (!ready(node)
        || Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable())) {
      return false;
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    Map<String, String> selector =
        pod.getSpec() == null || pod.getSpec().getNodeSelector() == null
            ? Map.of()
            : pod.getSpec().getNodeSelector();
    if (!labels.entrySet().containsAll(selector.entrySet())) {
      return false;
    }
    List<V1Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    if (taints == null) {
      return true;
    }
    List<V1Toleration> tolerations =
        pod.getSpec() == null || pod.getSpec().getTolerations() == null
            ? List.of()
            : pod.getSpec().getTolerations();
    for (V1Taint taint : taints) {
      if ("PreferNoSchedule".equals(taint.getEffect())) {
        continue;
      }
      if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
        return false;
      }
    }
    return true;
  }

  private static boolean tolerates(V1Toleration t, V1Taint taint) {
    if (t.getEffect() != null && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() == null || t.getKey().isEmpty()) {
      return "Exists".equals(t.getOperator());
    }
    if (!t.getKey().equals(taint.getKey())) {
      return false;
    }
    return "Exists".equals(t.getOperator())
        || java.util.Objects.equals(t.getValue(), taint.getValue());
  }

  static int allowed(V1PodDisruptionBudget pdb) {
    Integer allowed = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptionsAllowed();
    return allowed == null ? 0 : Math.max(0, allowed);
  }

  static boolean ready(V1Node node) {
    List<V1NodeCondition> conditions =
        node.getStatus() == null ? null : node.getStatus().getConditions();
    Optional<V1NodeCondition> ready =
        conditions == null
            ? Optional.empty()
            : conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    return ready.map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
