package io.eksscheduler.actions.drain;

import io.eksscheduler.actions.drain.DrainPlan.Eviction;
import io.eksscheduler.actions.drain.DrainPlan.NodeDrain;
import io.eksscheduler.actions.drain.DrainPlan.PodNote;
import io.eksscheduler.actions.kube.Names;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides a drain from its survey, without a call: which nodes to cordon, which pods to evict and
 * in what order, which to skip, leave or refuse (each pod by {@link PodVerdicts}), and which
 * budgets can never be met (by {@link BudgetAnalysis}). As kubectl's drain separates its filters
 * from the evictions: the same decision is rendered by {@code plan()} and executed by {@code
 * apply()}.
 */
final class DrainDecision {

  private DrainDecision() {}

  static DrainPlan decide(DrainSurvey survey, DrainNodes.Params params) {
    Set<String> names = survey.selectedNames();
    Map<String, List<V1Pod>> byNode = new LinkedHashMap<>();
    names.forEach(n -> byNode.put(n, new ArrayList<>()));
    List<PodNote> skipped = new ArrayList<>();
    List<PodNote> left = new ArrayList<>();
    List<PodNote> refused = new ArrayList<>();
    List<V1Pod> toEvict = new ArrayList<>();
    PodVerdicts.Settings settings = params.verdictSettings();
    for (V1Pod pod : survey.pods()) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue; // already terminating: it goes by itself
      }
      PodVerdicts.Verdict v = PodVerdicts.of(pod, settings);
      String node = pod.getSpec().getNodeName();
      PodNote note = new PodNote(Names.of(pod.getMetadata()), node, v.reason());
      switch (v.action()) {
        case EVICT:
          byNode.get(node).add(pod);
          toEvict.add(pod);
          break;
        case SKIP:
          skipped.add(note);
          break;
        case LEAVE:
          left.add(note);
          break;
        default:
          refused.add(note);
      }
    }
    BudgetAnalysis.Result budgets =
        BudgetAnalysis.analyse(toEvict, survey.budgets(), survey.all(), names);
    Set<String> unmeetable = new LinkedHashSet<>();
    budgets.unmeetable().forEach(b -> unmeetable.add(b.name()));
    Set<String> cordoned = survey.alreadyCordoned();
    List<NodeDrain> nodes = new ArrayList<>();
    for (V1Node node : survey.selected()) {
      String name = node.getMetadata().getName();
      List<Eviction> evictions = new ArrayList<>();
      for (V1Pod pod : byNode.get(name)) {
        String podName = Names.of(pod.getMetadata());
        String budget = budgets.budgetOfPod().get(podName);
        evictions.add(
            new Eviction(
                pod,
                podName,
                name,
                budget,
                budget != null && unmeetable.contains(budget),
                claims(pod)));
      }
      nodes.add(new NodeDrain(name, !cordoned.contains(name), evictions));
    }
    return new DrainPlan(nodes, skipped, left, refused, budgets, params.policy());
  }

  /** The PersistentVolumeClaims {@code pod} mounts, sorted: the data it holds. */
  static List<String> claims(V1Pod pod) {
    List<V1Volume> volumes = pod.getSpec() == null ? null : pod.getSpec().getVolumes();
    if (volumes == null) {
      return List.of();
    }
    return volumes.stream()
        .filter(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .sorted()
        .toList();
  }

  /**
   * The pods a dry-run shows as blocked: those the API server's own dry-run refuses, and those past
   * their budget's allowance now, counted pod by pod in drain order (a dry-run consumes no budget,
   * so the count is kept here).
   *
   * @param serverRefuses namespace/name of the pods whose dry-run eviction the API server refused
   */
  static Set<String> blockedInDryRun(DrainPlan plan, Set<String> serverRefuses) {
    Map<String, Integer> allowance = new HashMap<>();
    plan.budgets().budgets().values().forEach(b -> allowance.put(b.name(), b.allowed()));
    Set<String> blocked = new LinkedHashSet<>();
    for (Eviction e : plan.evictions()) {
      boolean budgetLeft = e.budget() == null || allowance.merge(e.budget(), -1, Integer::sum) >= 0;
      if (serverRefuses.contains(e.name()) || !budgetLeft) {
        blocked.add(e.name());
      }
    }
    return blocked;
  }
}
