package io.eksscheduler.actions.drain;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.drain.DrainPlan.Eviction;
import io.eksscheduler.actions.drain.DrainPlan.NodeDrain;
import io.eksscheduler.actions.kube.Parallel;
import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Drains nodes the safe way: cordons them, then evicts their pods through the Eviction API in
 * parallel across nodes, honouring PodDisruptionBudgets, and waits until the pods are gone. A
 * budget that can never be met while these nodes drain is found before anything changes and handled
 * by {@code whenBudgetCannotBeMet}: fail, delete (bypassing the budget once {@code budgetDeadline}
 * has passed), leave-to-termination (the pod stays until its node is terminated, and the outputs
 * name it) or delete-stateless (deleted at once unless it mounts a PersistentVolumeClaim, which is
 * left). Never a silent hang.
 */
public final class DrainNodes implements Action<DrainNodes.Params> {
  /**
   * The parameters of {@code nodes.drain}.
   *
   * @param nodes {@code all}, or {nodegroup: NAME}, {names: [...]} or {selector: "k=v,..."}
   * @param parallel nodes drained at once (default 10)
   * @param deleteEmptyDirData evict pods using emptyDir, losing its data (default true)
   * @param unmanagedPods pods with no controller: evict, leave or fail (default fail)
   * @param doNotDisrupt pods marked do-not-disrupt or not safe-to-evict: leave or evict (default
   *     leave)
   * @param whenBudgetCannotBeMet fail (default), delete, leave-to-termination or delete-stateless
   * @param budgetDeadline how long evictions blocked by a budget are retried (default 10m)
   * @param gracePeriod overrides each pod's terminationGracePeriodSeconds when set
   */
  public record Params(
      JsonNode nodes,
      Integer parallel,
      Boolean deleteEmptyDirData,
      @AbsentIfUnparsable UnmanagedPods unmanagedPods,
      @AbsentIfUnparsable DoNotDisrupt doNotDisrupt,
      @AbsentIfUnparsable BudgetPolicy whenBudgetCannotBeMet,
      @AbsentIfUnparsable Duration budgetDeadline,
      @AbsentIfUnparsable Duration gracePeriod) {

    int parallelOrDefault() {
      return parallel == null ? 10 : parallel;
    }

    BudgetPolicy policy() {
      return whenBudgetCannotBeMet == null ? BudgetPolicy.FAIL : whenBudgetCannotBeMet;
    }

    Duration deadline() {
      return budgetDeadline == null ? Duration.ofMinutes(10) : budgetDeadline;
    }

    PodVerdicts.Settings verdictSettings() {
      return new PodVerdicts.Settings(
          deleteEmptyDirData == null || deleteEmptyDirData,
          unmanagedPods == null ? UnmanagedPods.FAIL : unmanagedPods,
          doNotDisrupt == null ? DoNotDisrupt.LEAVE : doNotDisrupt);
    }
  }

  /** What a drain does with pods no controller recreates. */
  public enum UnmanagedPods {
    /** Evict them. */
    EVICT,
    /** Leave them to node termination. */
    LEAVE,
    /** Refuse the drain, naming them (the default). */
    FAIL
  }

  /** What a drain does with pods marked do-not-disrupt or not safe to evict. */
  public enum DoNotDisrupt {
    /** Leave them to node termination (the default). */
    LEAVE,
    /** Evict them. */
    EVICT
  }

  /** What a drain does about a PodDisruptionBudget that can never be met. */
  public enum BudgetPolicy {
    /** Fail before any change (the default). */
    FAIL,
    /** Delete the pods it refuses once budgetDeadline has passed. */
    DELETE,
    /** Leave the pods it refuses on their node until the node is terminated. */
    LEAVE_TO_TERMINATION,
    /**
     * Delete at once the pods of a budget that can never be met unless they hold data (mount a
     * PersistentVolumeClaim); leave those, and the pods of a budget still blocked past
     * budgetDeadline, to node termination.
     */
    DELETE_STATELESS;

    /**
     * The policy as the playbook writes it: fail, delete, leave-to-termination or delete-stateless.
     */
    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
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
        new OutputSpec(
            "deleted",
            ValueType.INTEGER,
            "pods deleted past a budget (policies delete and delete-stateless)"),
        new OutputSpec(
            "deletedPods", ValueType.ARRAY, "the pods deleted past a budget, each with why"),
        new OutputSpec(
            "leftToTermination",
            ValueType.ARRAY,
            "pods left on their node until it is terminated, each with why"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    DrainSurvey survey = DrainSurvey.take(params.nodes(), ctx);
    DrainPlan d = DrainDecision.decide(survey, params);
    Set<String> serverRefuses = new HashSet<>();
    if (d.failure().isEmpty()) {
      // A server-side dry-run eviction asks the API server itself; budgets are counted by the
      // decision too, because dry-runs do not consume them.
      CoreV1Api core = new CoreV1Api(ctx.client(ApiClient.class));
      for (Eviction e : d.evictions()) {
        if (!Evictions.dryRunEviction(ctx, core, e.pod())) {
          serverRefuses.add(e.name());
        }
      }
    }
    return DrainPreview.of(d, serverRefuses, params, survey.unknowns());
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    DrainPlan d = DrainDecision.decide(DrainSurvey.take(params.nodes(), ctx), params);
    Optional<String> failure = d.failure();
    if (failure.isPresent()) {
      throw new ActionFailure(failure.get(), false);
    }
    CoreV1Api core = new CoreV1Api(ctx.client(ApiClient.class));
    for (NodeDrain node : d.nodes()) {
      if (node.cordon()) {
        Evictions.cordon(ctx, core, node.name());
      }
    }
    Evictions.Tally tally = new Evictions.Tally();
    tally.left.addAll(DrainPlan.lines(d.left()));
    Parallel.forEach(
        "drain-" + ctx.stepId(),
        params.parallelOrDefault(),
        d.nodes(),
        node -> Evictions.drainNode(params, ctx, core, node.name(), node.evictions(), tally));
    List<String> left = new ArrayList<>(tally.left);
    Collections.sort(left);
    List<String> deleted = new ArrayList<>(tally.deleted);
    Collections.sort(deleted);
    if (!left.isEmpty()) {
      ctx.log("left to node termination: " + String.join("; ", left));
    }
    return Outputs.of(
        "nodes",
        d.nodeNames(),
        "evicted",
        (long) tally.evicted.get(),
        "deleted",
        (long) deleted.size(),
        "deletedPods",
        deleted,
        "leftToTermination",
        left);
  }
}
