package io.eksscheduler.actions.drain;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.kube.ClusterView;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Nodes;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a drain reads before deciding anything: every node, the nodes selected (sorted by name), the
 * pods on them and the PodDisruptionBudgets, nodes and pods as the earlier steps of a dry-run leave
 * them ({@link ClusterView}). Nothing in it is decided; {@link DrainDecision} does that.
 *
 * @param all every node of the cluster (where replacements could run)
 * @param selected the nodes to drain, sorted by name
 * @param pods the pods on the selected nodes, in the order the API server listed them
 * @param budgets every PodDisruptionBudget of the cluster
 * @param unknowns why the nodes and pods seen may differ from those the run will find (pods that an
 *     earlier step starts where they are not known yet), empty when they may not
 */
record DrainSurvey(
    List<V1Node> all,
    List<V1Node> selected,
    List<V1Pod> pods,
    List<V1PodDisruptionBudget> budgets,
    List<String> unknowns) {

  /** A survey of what the cluster holds now. */
  DrainSurvey(
      List<V1Node> all,
      List<V1Node> selected,
      List<V1Pod> pods,
      List<V1PodDisruptionBudget> budgets) {
    this(all, selected, pods, budgets, List.of());
  }

  static DrainSurvey take(JsonNode nodes, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    CoreV1Api core = new CoreV1Api(client);
    List<V1Node> all =
        KubeCalls.call(ctx, "listing nodes", () -> core.listNode().execute()).getItems();
    List<V1Node> selected;
    if (nodes != null && nodes.has("selector")) {
      // The API server parses label selectors (=, !=, in, notin, exists): the same answer as
      // kubectl get nodes -l.
      String selector = nodes.get("selector").asText();
      selected =
          new ArrayList<>(
              NodeSelection.withoutFargate(
                  KubeCalls.call(
                          ctx,
                          "listing nodes matching " + selector,
                          () -> core.listNode().labelSelector(selector).execute())
                      .getItems()));
      selected.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    } else {
      selected = NodeSelection.select(nodes, all);
    }
    Set<String> names = names(selected);
    List<V1Pod> pods = new ArrayList<>();
    String next = null;
    do {
      String token = next;
      var page =
          KubeCalls.call(
              ctx,
              "listing pods",
              () -> core.listPodForAllNamespaces().limit(500)._continue(token).execute());
      page.getItems().stream()
          .filter(p -> p.getSpec() != null && names.contains(p.getSpec().getNodeName()))
          .forEach(pods::add);
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    List<V1PodDisruptionBudget> pdbs =
        KubeCalls.call(
                ctx,
                "listing PodDisruptionBudgets",
                () -> new PolicyV1Api(client).listPodDisruptionBudgetForAllNamespaces().execute())
            .getItems();
    return new DrainSurvey(all, selected, pods, pdbs).seenThrough(ClusterView.of(ctx));
  }

  /**
   * This survey as the earlier steps of a dry-run leave the cluster: without the nodes gone and the
   * pods gone or removed, the nodes cordoned marked so; itself in a run.
   */
  DrainSurvey seenThrough(ClusterView view) {
    List<V1Node> allSeen = view.nodes(all);
    List<V1Node> selectedSeen = view.nodes(selected);
    Set<String> names = names(selectedSeen);
    List<V1Pod> podsSeen =
        view.pods(pods).stream().filter(p -> names.contains(p.getSpec().getNodeName())).toList();
    return new DrainSurvey(allSeen, selectedSeen, podsSeen, budgets, view.unknowns(allSeen));
  }

  /** The names of the selected nodes, in order. */
  Set<String> selectedNames() {
    return names(selected);
  }

  /** The selected nodes already cordoned before the drain: not patched, not ours to uncordon. */
  Set<String> alreadyCordoned() {
    Set<String> out = new LinkedHashSet<>();
    selected.stream()
        .filter(DrainSurvey::cordoned)
        .forEach(n -> out.add(n.getMetadata().getName()));
    return out;
  }

  static boolean cordoned(V1Node node) {
    return Nodes.cordoned(node);
  }

  private static Set<String> names(List<V1Node> nodes) {
    Set<String> names = new LinkedHashSet<>();
    nodes.forEach(n -> names.add(n.getMetadata().getName()));
    return names;
  }
}
