package io.eksscheduler.actions.drain;

import io.eksscheduler.actions.drain.DrainPlan.Eviction;
import io.eksscheduler.actions.drain.DrainPlan.NodeDrain;
import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.kube.NodePods;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.Plan;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a drain's decision as its plan: the changes node by node, what it keeps as it is, the
 * outputs the run will return and which of them may differ, and the effects the later steps of the
 * dry-run read (the nodes cordoned, the pods removed, their replacements starting). Pure: the API
 * server's answers to the dry-run evictions come in as {@code serverRefuses}.
 */
final class DrainPreview {
  private static final List<String> KEYS =
      List.of("nodes", "evicted", "deleted", "deletedPods", "leftToTermination");

  private final List<String> changes = new ArrayList<>();

  private final List<String> unchanged = new ArrayList<>();
  private final List<String> left = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();
  private final List<Eviction> removed = new ArrayList<>();
  private final Map<String, Set<String>> inexact = new TreeMap<>();
  private int evictions;

  private DrainPreview() {}

  /**
   * The plan of the drain decided as {@code d}, the API server refusing the dry-run evictions of
   * {@code serverRefuses}; {@code unknowns} say why the survey may differ from what the run finds.
   */
  static Plan of(
      DrainPlan d, Set<String> serverRefuses, DrainNodes.Params params, List<String> unknowns) {
    DrainPreview p = new DrainPreview();
    p.refusals(d, params);
    if (d.failure().isPresent()) {
      p.changes.add("the drain would fail before any change");
      return new Plan(p.changes, Map.of());
    }
    Set<String> blocked = DrainDecision.blockedInDryRun(d, serverRefuses);
    p.left.addAll(DrainPlan.lines(d.left()));
    for (NodeDrain node : d.nodes()) {
      if (node.cordon()) {
        p.changes.add("cordon node " + node.name());
      } else {
        p.unchanged.add("node " + node.name() + " is already cordoned");
      }
      for (Eviction e : node.evictions()) {
        p.evict(e, blocked.contains(e.name()), params);
      }
    }
    d.left().forEach(l -> p.changes.add("leave " + l.line()));
    d.skipped().forEach(l -> p.unchanged.add("skip " + l.line()));
    p.inParallel(d, blocked, params);
    unknowns.forEach(why -> KEYS.forEach(k -> p.because(k, why)));
    Collections.sort(p.left);
    Collections.sort(p.deleted);
    return new Plan(
            p.changes,
            Map.of(
                "nodes",
                d.nodeNames(),
                "evicted",
                (long) p.evictions,
                "deleted",
                (long) p.deleted.size(),
                "deletedPods",
                p.deleted,
                "leftToTermination",
                p.left))
        .withUnchanged(p.unchanged)
        .withInexact(p.why())
        .withEffects(p.effects(d));
  }

  private void refusals(DrainPlan d, DrainNodes.Params params) {
    d.refused().forEach(r -> changes.add("refuses the drain: " + r.line()));
    d.budgets()
        .conflicts()
        .forEach(c -> changes.add("refuses the drain: several budgets cover " + c));
    for (BudgetAnalysis.Budget b : d.budgets().unmeetable()) {
      changes.add(
          "PodDisruptionBudget "
              + b.name()
              + " can never be met while these nodes drain (allows "
              + b.allowed()
              + ", would need "
              + b.pods().size()
              + "): "
              + params.policy().label());
    }
  }

  /** One pod to evict: evicted, or, blocked, deleted, left or the step's failure. */
  private void evict(Eviction e, boolean blocked, DrainNodes.Params params) {
    if (!blocked) {
      changes.add("evict " + e.name() + " from " + e.node());
      evictions++;
      removed.add(e);
      return;
    }
    Optional<DrainPlan.Fate> fate =
        DrainPlan.onRefusal(e, params.policy()).or(() -> DrainPlan.pastDeadline(params.policy()));
    List<String> keys = new ArrayList<>(List.of("evicted"));
    if (fate.isEmpty()) {
      changes.add(
          "blocked: "
              + e.name()
              + " on "
              + e.node()
              + ": PodDisruptionBudget "
              + e.budget()
              + " -> fail after "
              + Durations.format(params.deadline()));
    } else if (fate.get() == DrainPlan.Fate.DELETE) {
      changes.add("delete " + e.deletedLine());
      deleted.add(e.deletedLine());
      removed.add(e);
      keys.addAll(List.of("deleted", "deletedPods"));
    } else {
      changes.add("leave " + e.leftLine());
      left.add(e.leftLine());
      keys.add("leftToTermination");
    }
    if (e.budget() != null && !e.hopeless()) {
      String why =
          "PodDisruptionBudget "
              + e.budget()
              + " allows no eviction now but may within budgetDeadline ("
              + Durations.format(params.deadline())
              + "), and then its pods are evicted";
      keys.forEach(k -> because(k, why));
    }
  }

  /**
   * Nodes drain in parallel: when a budget lets some of its pods go and blocks the others, and they
   * sit on several nodes, which of them go first is not known before the run.
   */
  private void inParallel(DrainPlan d, Set<String> blocked, DrainNodes.Params params) {
    if (params.parallelOrDefault() < 2) {
      return;
    }
    Map<String, List<Eviction>> byBudget = new LinkedHashMap<>();
    d.evictions().stream()
        .filter(e -> e.budget() != null)
        .forEach(e -> byBudget.computeIfAbsent(e.budget(), k -> new ArrayList<>()).add(e));
    byBudget.forEach(
        (budget, pods) -> {
          long nodes = pods.stream().map(Eviction::node).distinct().count();
          List<Eviction> stopped = pods.stream().filter(e -> blocked.contains(e.name())).toList();
          if (nodes < 2 || stopped.isEmpty() || stopped.size() == pods.size()) {
            return;
          }
          String why =
              "which pods of PodDisruptionBudget "
                  + budget
                  + " are evicted first depends on the order their nodes drain in parallel";
          for (Eviction e : stopped) {
            if (deleted.contains(e.deletedLine())) {
              because("deletedPods", why);
            } else if (left.contains(e.leftLine())) {
              because("leftToTermination", why);
            }
          }
        });
  }

  private void because(String key, String why) {
    inexact.computeIfAbsent(key, k -> new TreeSet<>()).add(why);
  }

  /** Each output that may differ, with every reason. */
  private Map<String, String> why() {
    Map<String, String> out = new TreeMap<>();
    inexact.forEach((k, reasons) -> out.put(k, String.join("; ", reasons)));
    return out;
  }

  /**
   * The nodes cordoned, the pods evicted or deleted, and their controllers' replacements, which
   * start wherever a node still takes them.
   */
  private List<ClusterEffect> effects(DrainPlan d) {
    List<ClusterEffect> out = new ArrayList<>();
    List<String> cordoned =
        d.nodes().stream().filter(NodeDrain::cordon).map(NodeDrain::name).toList();
    if (!cordoned.isEmpty()) {
      out.add(new ClusterEffect.NodesCordoned(cordoned));
    }
    if (removed.isEmpty()) {
      return out;
    }
    out.add(new ClusterEffect.PodsRemoved(removed.stream().map(Eviction::name).toList()));
    Map<String, List<V1Pod>> byOwner = new LinkedHashMap<>();
    for (Eviction e : removed) {
      Optional<V1OwnerReference> owner = NodePods.controller(e.pod());
      owner.ifPresent(
          o ->
              byOwner
                  .computeIfAbsent(
                      o.getKind() + " " + e.pod().getMetadata().getNamespace() + "/" + o.getName(),
                      k -> new ArrayList<>())
                  .add(e.pod()));
    }
    byOwner.forEach(
        (owner, pods) -> {
          V1Pod first = pods.get(0);
          Map<String, String> labels = first.getMetadata().getLabels();
          out.add(
              new ClusterEffect.PodsStarting(
                  first.getMetadata().getNamespace(),
                  owner,
                  labels == null ? Map.of() : labels,
                  pods.size()));
        });
    return out;
  }
}
