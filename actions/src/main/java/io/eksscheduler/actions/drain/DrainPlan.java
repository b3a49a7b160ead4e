package io.eksscheduler.actions.drain;

import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a drain will do, decided before any change: the nodes to cordon and, node by node, the pods
 * to evict in order; the pods it leaves, skips or refuses to touch, each with why; the budgets it
 * can never meet. {@code plan()} renders it, {@code apply()} executes it.
 *
 * @param nodes the selected nodes, in the order they are cordoned (sorted by name)
 * @param skipped pods that go with their node (DaemonSet, mirror pods)
 * @param left pods left on their node until it is terminated
 * @param refused pods that refuse the whole drain before any change
 * @param budgets the budgets covering the pods to evict, and which are unmeetable
 * @param policy whenBudgetCannotBeMet: fail, delete or leave-to-termination
 */
record DrainPlan(
    List<NodeDrain> nodes,
    List<PodNote> skipped,
    List<PodNote> left,
    List<PodNote> refused,
    BudgetAnalysis.Result budgets,
    DrainNodes.BudgetPolicy policy) {

  /**
   * One node of the drain.
   *
   * @param name the node
   * @param cordon false when it was cordoned already (not patched again, not ours to uncordon)
   * @param evictions its pods to evict, one after the other, in this order
   */
  record NodeDrain(String name, boolean cordon, List<Eviction> evictions) {}

  /**
   * One pod to evict.
   *
   * @param pod the pod as listed
   * @param name its namespace/name
   * @param node the node it runs on
   * @param budget namespace/name of the budget covering it, or null
   * @param hopeless whether that budget can never be met while these nodes drain
   */
  record Eviction(V1Pod pod, String name, String node, String budget, boolean hopeless) {}

  /**
   * A pod the drain does not evict, and why.
   *
   * @param pod its namespace/name
   * @param node the node it runs on
   * @param reason why, naming the setting that would change it
   */
  record PodNote(String pod, String node, String reason) {
    String line() {
      return pod + " on " + node + ": " + reason;
    }
  }

  /** The names of the nodes drained, in order. */
  List<String> nodeNames() {
    return nodes.stream().map(NodeDrain::name).toList();
  }

  /** Every pod to evict, node by node. */
  List<Eviction> evictions() {
    List<Eviction> all = new ArrayList<>();
    nodes.forEach(n -> all.addAll(n.evictions()));
    return all;
  }

  /** Names of the budgets that can never be met while these nodes drain. */
  Set<String> unmeetableNames() {
    Set<String> names = new java.util.LinkedHashSet<>();
    budgets.unmeetable().forEach(b -> names.add(b.name()));
    return names;
  }

  /**
   * Why the drain must fail before any change, as the error the user reads: a refused pod, a pod
   * under several budgets, or a budget that can never be met under policy fail. Empty when it may
   * go on.
   */
  Optional<String> failure() {
    if (!refused.isEmpty()) {
      return Optional.of(
          "refusing to drain, nothing was changed: " + String.join("; ", lines(refused)));
    }
    if (!budgets.conflicts().isEmpty()) {
      return Optional.of(
          "refusing to drain, nothing was changed: pods covered by several"
              + " PodDisruptionBudgets cannot be evicted: "
              + String.join("; ", budgets.conflicts()));
    }
    List<BudgetAnalysis.Budget> unmeetable = budgets.unmeetable();
    if (!unmeetable.isEmpty() && policy == DrainNodes.BudgetPolicy.FAIL) {
      List<String> named = new ArrayList<>();
      unmeetable.forEach(
          b -> named.add(b.name() + " (allows " + b.allowed() + ", " + b.pods().size() + " pods)"));
      return Optional.of(
          "PodDisruptionBudgets that can never be met while these nodes drain, nothing was"
              + " changed: "
              + String.join(", ", named)
              + "; set whenBudgetCannotBeMet: delete or leave-to-termination");
    }
    return Optional.empty();
  }

  static List<String> lines(List<PodNote> notes) {
    return notes.stream().map(PodNote::line).toList();
  }
}
