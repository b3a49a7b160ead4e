package io.eksscheduler.actions.drain;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Names;
import io.eksscheduler.actions.kube.Parallel;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Eviction;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drains nodes the safe way: cordons them, then evicts their pods through the Eviction API in
 * parallel across nodes, honouring PodDisruptionBudgets, and waits until the pods are gone. A
 * budget that can never be met while these nodes drain is found before anything changes and handled
 * by {@code whenBudgetCannotBeMet}: fail, delete (bypassing the budget once {@code budgetDeadline}
 * has passed) or leave-to-termination (the pod stays until its node is terminated, and the outputs
 * name it). Never a silent hang.
 */
public final class DrainNodes implements Action<DrainNodes.Params> {
  private static final Duration EVICTION_RETRY = Duration.ofSeconds(5); // kubectl's delay
  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * The parameters of {@code nodes.drain}.
   *
   * @param nodes {@code all}, or {nodegroup: NAME}, {names: [...]} or {selector: "k=v,..."}
   * @param parallel nodes drained at once (default 10)
   * @param deleteEmptyDirData evict pods using emptyDir, losing its data (default true)
   * @param unmanagedPods pods with no controller: evict, leave or fail (default fail)
   * @param doNotDisrupt pods marked do-not-disrupt or not safe-to-evict: leave or evict (default
   *     leave)
   * @param whenBudgetCannotBeMet fail (default), delete or leave-to-termination
   * @param budgetDeadline how long evictions blocked by a budget are retried (default 10m)
   * @param gracePeriod overrides each pod's terminationGracePeriodSeconds when set
   */
  public record Params(
      JsonNode nodes,
      Integer parallel,
      Boolean deleteEmptyDirData,
      String unmanagedPods,
      String doNotDisrupt,
      String whenBudgetCannotBeMet,
      String budgetDeadline,
      String gracePeriod) {

    int parallelOrDefault() {
      return parallel == null ? 10 : parallel;
    }

    String policy() {
      return whenBudgetCannotBeMet == null ? "fail" : whenBudgetCannotBeMet;
    }

    Duration deadline() {
      return budgetDeadline == null
          ? Duration.ofMinutes(10)
          : Durations.parse(budgetDeadline).orElse(Duration.ofMinutes(10));
    }

    PodVerdicts.Settings verdictSettings() {
      return new PodVerdicts.Settings(
          deleteEmptyDirData == null || deleteEmptyDirData,
          unmanagedPods == null ? "fail" : unmanagedPods,
          doNotDisrupt == null ? "leave" : doNotDisrupt);
    }
  }

  @Override
  public String name() {
    return "nodes.drain";
  }

  @Override
  public String description() {
    return "Cordons nodes and evicts their pods through the Eviction API, honouring"
        + " PodDisruptionBudgets; a budget that can never be met is handled by policy.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/nodes.drain.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("nodes", ValueType.ARRAY, "the nodes drained"),
        new OutputSpec("evicted", ValueType.INTEGER, "pods evicted through the Eviction API"),
        new OutputSpec("deleted", ValueType.INTEGER, "pods deleted past a budget (policy delete)"),
        new OutputSpec(
            "leftToTermination",
            ValueType.ARRAY,
            "pods left on their node until it is terminated, each with why"));
  }

  /** What the drain found before changing anything. */
  private record Survey(
      List<V1Node> nodes,
      Map<String, List<V1Pod>> evictByNode,
      List<String> skipped,
      List<String> left,
      List<String> refused,
      BudgetAnalysis.Result budgets) {}

  private Survey survey(Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    CoreV1Api core = new CoreV1Api(client);
    List<V1Node> all =
        KubeCalls.call(ctx, "listing nodes", () -> core.listNode().execute()).getItems();
    List<V1Node> selected;
    if (params.nodes() != null && params.nodes().has("selector")) {
      // The API server parses label selectors (=, !=, in, notin, exists): the same answer as
      // kubectl get nodes -l.
      String selector = params.nodes().get("selector").asText();
      selected =
          new ArrayList<>(
              KubeCalls.call(
                      ctx,
                      "listing nodes matching " + selector,
                      () -> core.listNode().labelSelector(selector).execute())
                  .getItems());
      selected.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    } else {
      selected = NodeSelection.select(params.nodes(), all);
    }
    Set<String> names = new LinkedHashSet<>();
    selected.forEach(n -> names.add(n.getMetadata().getName()));
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
    Map<String, List<V1Pod>> evict = new LinkedHashMap<>();
    names.forEach(n -> evict.put(n, new ArrayList<>()));
    List<String> skipped = new ArrayList<>();
    List<String> left = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<V1Pod> toEvict = new ArrayList<>();
    for (V1Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue; // already terminating: it goes by itself
      }
      PodVerdicts.Verdict v = PodVerdicts.of(pod, params.verdictSettings());
      String name = Names.of(pod.getMetadata()) + " on " + pod.getSpec().getNodeName();
      switch (v.action()) {
        case EVICT:
          evict.get(pod.getSpec().getNodeName()).add(pod);
          toEvict.add(pod);
          break;
        case SKIP:
          skipped.add(name + ": " + v.reason());
          break;
        case LEAVE:
          left.add(name + ": " + v.reason());
          break;
        default:
          refused.add(name + ": " + v.reason());
      }
    }
    List<V1PodDisruptionBudget> pdbs =
        KubeCalls.call(
                ctx,
                "listing PodDisruptionBudgets",
                () -> new PolicyV1Api(client).listPodDisruptionBudgetForAllNamespaces().execute())
            .getItems();
    return new Survey(
        selected, evict, skipped, left, refused, BudgetAnalysis.analyse(toEvict, pdbs, all, names));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    Survey s = survey(params, ctx);
    List<String> changes = new ArrayList<>();
    s.refused().forEach(r -> changes.add("refuses the drain: " + r));
    s.budgets()
        .conflicts()
        .forEach(c -> changes.add("refuses the drain: several budgets cover " + c));
    for (BudgetAnalysis.Budget b : s.budgets().unmeetable()) {
      changes.add(
          "PodDisruptionBudget "
              + b.name()
              + " can never be met while these nodes drain (allows "
              + b.allowed()
              + ", would need "
              + b.pods().size()
              + "): "
              + params.policy());
    }
    if (!s.refused().isEmpty()
        || !s.budgets().conflicts().isEmpty()
        || (!s.budgets().unmeetable().isEmpty() && "fail".equals(params.policy()))) {
      changes.add("the drain would fail before any change");
      return new Plan(changes, Map.of());
    }
    CoreV1Api core = new CoreV1Api(ctx.client(ApiClient.class));
    Map<String, Integer> allowance = new HashMap<>();
    s.budgets().budgets().values().forEach(b -> allowance.put(b.name(), b.allowed()));
    List<String> blocked = new ArrayList<>();
    int evictions = 0;
    for (V1Node node : s.nodes()) {
      String nodeName = node.getMetadata().getName();
      changes.add(
          Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable())
              ? "node " + nodeName + " is already cordoned"
              : "cordon node " + nodeName);
      for (V1Pod pod : s.evictByNode().get(nodeName)) {
        String podName = Names.of(pod.getMetadata());
        // A server-side dry-run eviction asks the API server itself; budgets are counted here
        // too, because dry-runs do not consume them.
        String budget = s.budgets().budgetOfPod().get(podName);
        boolean serverAllows = dryRunEviction(ctx, core, pod);
        boolean budgetLeft = budget == null || allowance.merge(budget, -1, Integer::sum) >= 0;
        if (serverAllows && budgetLeft) {
          changes.add("evict " + podName + " from " + nodeName);
          evictions++;
        } else {
          String line =
              podName
                  + " on "
                  + nodeName
                  + ": blocked by PodDisruptionBudget "
                  + budget
                  + " -> "
                  + params.policy();
          changes.add("blocked: " + line);
          blocked.add(line);
        }
      }
    }
    s.left().forEach(l -> changes.add("leave " + l));
    s.skipped().forEach(l -> changes.add("skip " + l));
    List<String> names = new ArrayList<>();
    s.nodes().forEach(n -> names.add(n.getMetadata().getName()));
    List<String> leftOut = new ArrayList<>(s.left());
    if ("leave-to-termination".equals(params.policy())) {
      leftOut.addAll(blocked);
    }
    return new Plan(
        changes,
        Map.of(
            "nodes",
            names,
            "evicted",
            (long) evictions,
            "deleted",
            "delete".equals(params.policy()) ? (long) blocked.size() : 0L,
            "leftToTermination",
            leftOut));
  }

  private static boolean dryRunEviction(ActionContext ctx, CoreV1Api core, V1Pod pod)
      throws ActionFailure, InterruptedException {
    return evict(ctx, core, pod, null, true).isEmpty();
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Survey s = survey(params, ctx);
    if (!s.refused().isEmpty()) {
      throw new ActionFailure(
          "refusing to drain, nothing was changed: " + String.join("; ", s.refused()), false);
    }
    if (!s.budgets().conflicts().isEmpty()) {
      throw new ActionFailure(
          "refusing to drain, nothing was changed: pods covered by several"
              + " PodDisruptionBudgets cannot be evicted: "
              + String.join("; ", s.budgets().conflicts()),
          false);
    }
    List<BudgetAnalysis.Budget> unmeetable = s.budgets().unmeetable();
    if (!unmeetable.isEmpty() && "fail".equals(params.policy())) {
      List<String> named = new ArrayList<>();
      unmeetable.forEach(
          b -> named.add(b.name() + " (allows " + b.allowed() + ", " + b.pods().size() + " pods)"));
      throw new ActionFailure(
          "PodDisruptionBudgets that can never be met while these nodes drain, nothing was"
              + " changed: "
              + String.join(", ", named)
              + "; set whenBudgetCannotBeMet: delete or leave-to-termination",
          false);
    }
    ApiClient client = ctx.client(ApiClient.class);
    CoreV1Api core = new CoreV1Api(client);
    for (V1Node node : s.nodes()) {
      cordon(ctx, core, node);
    }
    Set<String> unmeetableNames = new LinkedHashSet<>();
    unmeetable.forEach(b -> unmeetableNames.add(b.name()));
    Tally tally = new Tally();
    tally.left.addAll(s.left());
    Parallel.forEach(
        "drain-" + ctx.stepId(),
        params.parallelOrDefault(),
        s.nodes(),
        node -> {
          String nodeName = node.getMetadata().getName();
          List<V1Pod> pods = s.evictByNode().get(nodeName);
          drainNode(params, ctx, core, nodeName, pods, s.budgets(), unmeetableNames, tally);
        });
    List<String> names = new ArrayList<>();
    s.nodes().forEach(n -> names.add(n.getMetadata().getName()));
    List<String> left = new ArrayList<>(tally.left);
    Collections.sort(left);
    if (!left.isEmpty()) {
      ctx.log("left to node termination: " + String.join("; ", left));
    }
    return Outputs.of(
        "nodes",
        names,
        "evicted",
        (long) tally.evicted.get(),
        "deleted",
        (long) tally.deleted.get(),
        "leftToTermination",
        left);
  }

  /** Counts shared by the node drains running in parallel. */
  private static final class Tally {
    final java.util.concurrent.atomic.AtomicInteger evicted =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger deleted =
        new java.util.concurrent.atomic.AtomicInteger();
    final Set<String> left = ConcurrentHashMap.newKeySet();
  }

  private void cordon(ActionContext ctx, CoreV1Api core, V1Node node)
      throws ActionFailure, InterruptedException {
    String name = node.getMetadata().getName();
    if (Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable())) {
      return; // already cordoned: not patched again, and not ours to uncordon
    }
    // Recorded first: a wake (or a person) can tell the nodes we cordoned from those that were.
    ctx.ledger().put("cordoned:" + name, true);
    KubeCalls.call(
        ctx,
        "cordoning node " + name,
        () ->
            PatchUtils.patch(
                V1Node.class,
                () ->
                    core.patchNode(name, new V1Patch("{\"spec\":{\"unschedulable\":true}}"))
                        .buildCall(null),
                V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
                core.getApiClient()));
    ctx.changed();
  }

  private void drainNode(
      Params params,
      ActionContext ctx,
      CoreV1Api core,
      String node,
      List<V1Pod> pods,
      BudgetAnalysis.Result budgets,
      Set<String> unmeetable,
      Tally tally)
      throws Exception {
    Instant budgetDeadline = ctx.clock().instant().plus(params.deadline());
    Map<String, String> evictedUids = new LinkedHashMap<>();
    long longestGrace = 30;
    for (V1Pod pod : pods) {
      String podName = Names.of(pod.getMetadata());
      String budget = budgets.budgetOfPod().get(podName);
      longestGrace = Math.max(longestGrace, grace(pod, params));
      while (true) {
        ctx.checkCancelled();
        Optional<ApiException> refused = evict(ctx, core, pod, params.gracePeriod(), false);
        if (refused.isEmpty()) {
          evictedUids.put(podName, pod.getMetadata().getUid());
          tally.evicted.incrementAndGet();
          break;
        }
        // The budget refuses for now. A budget that can never be met is not waited on.
        boolean hopeless = budget != null && unmeetable.contains(budget);
        boolean pastDeadline = !ctx.clock().instant().isBefore(budgetDeadline);
        if ((hopeless && "leave-to-termination".equals(params.policy()))
            || (pastDeadline && "leave-to-termination".equals(params.policy()))) {
          tally.left.add(podName + " on " + node + ": blocked by PodDisruptionBudget " + budget);
          break;
        }
        if (pastDeadline && "delete".equals(params.policy())) {
          delete(ctx, core, pod, params);
          evictedUids.put(podName, pod.getMetadata().getUid());
          tally.deleted.incrementAndGet();
          ctx.log(
              "deleted "
                  + podName
                  + " past PodDisruptionBudget "
                  + budget
                  + " after "
                  + Durations.format(params.deadline()));
          break;
        }
        if (pastDeadline) {
          throw new ActionFailure(
              "evicting "
                  + podName
                  + " on "
                  + node
                  + ": PodDisruptionBudget "
                  + budget
                  + " still refuses after "
                  + Durations.format(params.deadline())
                  + " ("
                  + KubeCalls.message(refused.get())
                  + ")",
              true);
        }
        ctx.progress("waiting for PodDisruptionBudget " + budget + " to allow evicting " + podName);
        ctx.sleeper().sleep(EVICTION_RETRY);
      }
    }
    awaitGone(ctx, core, node, evictedUids, Duration.ofSeconds(longestGrace).plusMinutes(2));
  }

  /**
   * Evicts {@code pod} (or, with {@code dryRun}, asks whether the API server would); empty when
   * done or already gone, the 429 when a budget refuses.
   */
  private static Optional<ApiException> evict(
      ActionContext ctx, CoreV1Api core, V1Pod pod, String gracePeriod, boolean dryRun)
      throws ActionFailure, InterruptedException {
    String what =
        (dryRun ? "dry-run eviction of " : "evicting ")
            + Names.of(pod.getMetadata())
            + " on "
            + pod.getSpec().getNodeName();
    ApiException[] blocked = {null};
    try {
      KubeCalls.call(
          ctx,
          what,
          () -> {
            var request =
                core.createNamespacedPodEviction(
                    pod.getMetadata().getName(),
                    pod.getMetadata().getNamespace(),
                    eviction(pod, gracePeriod));
            try {
              KubeCalls.executeRaw((dryRun ? request.dryRun("All") : request).buildCall(null));
            } catch (ApiException e) {
              if (KubeCalls.blockedByBudget(e)) {
                blocked[0] = e; // the budget's answer; retried by the caller, not as throttling
                return null;
              }
              throw e;
            }
            return null;
          });
    } catch (ActionFailure e) {
      if (e.getCause() instanceof ApiException api && api.getCode() == 404) {
        return Optional.empty(); // gone already: counts as evicted, as in kubectl
      }
      throw e;
    }
    if (blocked[0] == null && !dryRun) {
      ctx.changed();
    }
    return Optional.ofNullable(blocked[0]);
  }

  private static void delete(ActionContext ctx, CoreV1Api core, V1Pod pod, Params params)
      throws ActionFailure, InterruptedException {
    String name = Names.of(pod.getMetadata());
    ctx.ledger().put("deleted:" + name, true);
    try {
      KubeCalls.call(
          ctx,
          "deleting " + name,
          () -> {
            var request =
                core.deleteNamespacedPod(
                    pod.getMetadata().getName(), pod.getMetadata().getNamespace());
            Long grace = gracePeriodSeconds(params.gracePeriod());
            if (grace != null) {
              request = request.gracePeriodSeconds(grace.intValue());
            }
            return request.execute();
          });
      ctx.changed();
    } catch (ActionFailure e) {
      if (!(e.getCause() instanceof ApiException api && api.getCode() == 404)) {
        throw e;
      }
    }
  }

  private static V1Eviction eviction(V1Pod pod, String gracePeriod) {
    V1Eviction eviction =
        new V1Eviction()
            .metadata(
                new V1ObjectMeta()
                    .name(pod.getMetadata().getName())
                    .namespace(pod.getMetadata().getNamespace()));
    Long grace = gracePeriodSeconds(gracePeriod);
    if (grace != null) {
      eviction.deleteOptions(new V1DeleteOptions().gracePeriodSeconds(grace));
    }
    return eviction;
  }

  private static Long gracePeriodSeconds(String gracePeriod) {
    return gracePeriod == null
        ? null
        : Durations.parse(gracePeriod).map(Duration::getSeconds).orElse(null);
  }

  private static long grace(V1Pod pod, Params params) {
    Long override = gracePeriodSeconds(params.gracePeriod());
    if (override != null) {
      return override;
    }
    Long own = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
    return own == null ? 30 : own;
  }

  /**
   * Waits until every evicted pod is gone from the node: absent, or replaced by a pod of the same
   * name with another UID (a StatefulSet's). One list per poll for the whole node.
   */
  private static void awaitGone(
      ActionContext ctx, CoreV1Api core, String node, Map<String, String> uids, Duration timeout)
      throws ActionFailure, InterruptedException {
    Instant until = ctx.clock().instant().plus(timeout);
    while (!uids.isEmpty()) {
      var pods =
          KubeCalls.call(
                  ctx,
                  "listing pods on " + node,
                  () ->
                      core.listPodForAllNamespaces()
                          .fieldSelector("spec.nodeName=" + node)
                          .execute())
              .getItems();
      Map<String, String> present = new HashMap<>();
      pods.forEach(p -> present.put(Names.of(p.getMetadata()), p.getMetadata().getUid()));
      uids.entrySet().removeIf(e -> !e.getValue().equals(present.get(e.getKey())));
      if (uids.isEmpty()) {
        return;
      }
      if (ctx.clock().instant().isAfter(until)) {
        throw new ActionFailure(
            "pods on "
                + node
                + " still terminating after "
                + Durations.format(timeout)
                + ": "
                + String.join(", ", uids.keySet()),
            true);
      }
      ctx.progress(uids.size() + " pods on " + node + " terminating");
      ctx.sleeper().sleep(POLL);
    }
  }
}
