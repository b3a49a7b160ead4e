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
 * @param policy whenBudgetCannotBeMet: fail, delete, leave-to-termination or delete-stateless
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
   * @param claims the PersistentVolumeClaims it mounts (the data it holds), sorted
   */
  record Eviction(
      V1Pod pod, String name, String node, String budget, boolean hopeless, List<String> claims) {

    /** Why it is left on its node, as the outputs name it. */
    String leftLine() {
      return name
          + " on "
          + node
          + ": blocked by PodDisruptionBudget "
          + budget
          + (claims.isEmpty() ? "" : "; holds data (PersistentVolumeClaim " + claims + "), kept");
    }

    /** Why it is deleted, as the outputs name it. */
    String deletedLine() {
      return name
          + " on "
          + node
          + ": past PodDisruptionBudget "
          + budget
          + (claims.isEmpty()
              ? ", holds no data; its controller recreates it"
              : ", with its PersistentVolumeClaim " + claims);
    }
  }

  /** What becomes of a pod whose eviction its budget refuses. */
  enum Fate {
    /** Deleted, bypassing its budget. */
    DELETE,
    /** Left on its node until the node is terminated. */
    LEAVE
  }

  /**
   * What becomes of {@code e} when its budget refuses it now; empty when it is retried until
   * budgetDeadline. A budget that can never be met is not waited on under leave-to-termination and
   * delete-stateless; delete-stateless deletes only what holds no data.
   */
  static Optional<Fate> onRefusal(Eviction e, DrainNodes.BudgetPolicy policy) {
    if (!e.hopeless()) {
      return Optional.empty();
    }
    return switch (policy) {
      case LEAVE_TO_TERMINATION -> Optional.of(Fate.LEAVE);
      case DELETE_STATELESS -> Optional.of(e.claims().isEmpty() ? Fate.DELETE : Fate.LEAVE);
      default -> Optional.empty();
    };
  }

  /** What becomes of {@code e} when its budget still refuses at budgetDeadline; empty: fail. */
  static Optional<Fate> pastDeadline(DrainNodes.BudgetPolicy policy) {
    return switch (policy) {
      case LEAVE_TO_TERMINATION, DELETE_STATELESS -> Optional.of(Fate.LEAVE);
      case DELETE -> Optional.of(Fate.DELETE);
      default -> Optional.empty();
    };
  }

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
              + "; set whenBudgetCannotBeMet: delete, delete-stateless or leave-to-termination");
    }
    return Optional.empty();
  }

  static List<String> lines(List<PodNote> notes) {
    return notes.stream().map(PodNote::line).toList();
  }
}
