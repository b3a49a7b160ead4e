package io.eksscheduler.actions.nodegroups;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Scales a cluster's node groups to zero for a hibernation: EKS managed node groups through
 * UpdateNodegroupConfig (min 0, desired 0, max unchanged) and self-managed Auto Scaling groups
 * (tagged {@code kubernetes.io/cluster/NAME}) through UpdateAutoScalingGroup, after suspending
 * AZRebalance, AlarmNotification and ScheduledActions. Each original is recorded in the ledger and
 * as the tag {@code eks-scheduler.io/original} before the change, and never overwritten, so a wake
 * restores exactly what was there. Then waits until the groups' nodes are gone.
 *
 * <p>Reads first ({@link ScaleSurvey}), then decides without a call ({@link ScaleDecision}): {@code
 * plan()} renders the decision, {@code apply()} decides again on a fresh survey, as a resume does,
 * and carries it out ({@link ScaleCalls}).
 */
public final class ScaleNodeGroups implements Action<ScaleNodeGroups.Params> {
  /** The tag holding a group's original sizes, as small versioned JSON. */
  public static final String TAG = "eks-scheduler.io/original";

  /** The longest tag value EKS and Auto Scaling take. */
  static final int MAX_TAG_VALUE = 256;

  static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";
  static final List<String> PROCESSES =
      List.of("AZRebalance", "AlarmNotification", "ScheduledActions");
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * The parameters of {@code nodegroups.scale}.
   *
   * @param cluster the EKS cluster's name
   * @param nodegroups {@code all} (default) or a list of managed node group or Auto Scaling group
   *     names
   * @param size {@code zero}, the only size so far
   * @param nodeDeadline how long updates and the nodes' going are waited for (default 20m)
   */
  public record Params(
      String cluster, JsonNode nodegroups, String size, @AbsentIfUnparsable Duration nodeDeadline) {

    Duration deadline() {
      return nodeDeadline == null ? Duration.ofMinutes(20) : nodeDeadline;
    }

    boolean all() {
      return nodegroups == null || nodegroups.isNull() || "all".equals(nodegroups.asText(null));
    }

    List<String> names() {
      List<String> out = new ArrayList<>();
      if (nodegroups != null && nodegroups.isArray()) {
        nodegroups.forEach(n -> out.add(n.asText()));
      }
      return out;
    }
  }

  /**
   * A group's original, as recorded in the ledger and in the tag.
   *
   * @param v the format's version (1)
   * @param run the run that recorded it
   * @param min the original minimum size
   * @param desired the original desired size
   * @param max the original maximum size
   * @param suspendedBefore the processes already suspended before the stop (Auto Scaling groups)
   * @param suspended the processes the stop suspended (Auto Scaling groups)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GroupOriginal(
      int v,
      String run,
      int min,
      int desired,
      int max,
      List<String> suspendedBefore,
      List<String> suspended) {

    public String sizes() {
      return min + "/" + desired + "/" + max;
    }

    String json() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * The tag's value: the JSON, within the 256 characters a tag value may have (botocore's {@code
     * TagValue} in the eks model, {@code Tag.Value} in Auto Scaling's). When it would not fit (a
     * long run id, many processes suspended before), {@code suspendedBefore} is left out (a wake
     * does not need it; the ledger keeps it), then the run id is cut and marked with {@code ~}.
     */
    String tagValue() {
      String whole = json();
      if (whole.length() <= MAX_TAG_VALUE) {
        return whole;
      }
      GroupOriginal lean = new GroupOriginal(v, run, min, desired, max, null, suspended);
      int over = lean.json().length() - MAX_TAG_VALUE;
      if (over <= 0) {
        return lean.json();
      }
      String cut = run.substring(0, Math.max(0, run.length() - over - 1)) + "~";
      return new GroupOriginal(v, cut, min, desired, max, null, suspended).json();
    }
  }

  /** The ledger key prefix of what a stop records of the nodes it removed ({@link Nodes}). */
  public static final String NODES = "nodes:";

  /**
   * The nodes a group ran when the stop found it: what a saving is counted from ({@code fleet
   * status}). Recorded once, with the group's original.
   *
   * @param count the nodes (its original desired size)
   * @param instanceType their instance type; null when the group did not say (an Auto Scaling group
   *     without instances)
   * @param spot whether they were Spot capacity (a managed group's capacity type SPOT, an Auto
   *     Scaling group with a Spot share): an on-demand price is then an upper bound
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Nodes(int count, String instanceType, boolean spot) {}

  @Override
  public String name() {
    return "nodegroups.scale";
  }

  @Override
  public String description() {
    return "Scales EKS managed node groups and self-managed Auto Scaling groups to zero, recording"
        + " each original in the ledger and as a tag before changing it, then waits until their"
        + " nodes are gone.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/nodegroups.scale.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("nodegroups", ValueType.ARRAY, "the managed node groups at zero"),
        new OutputSpec("autoScalingGroups", ValueType.ARRAY, "the self-managed groups at zero"));
  }

  /** Surveys the groups and decides; fails with the decision's refusal, before any change. */
  private static ScaleDecision decide(Params params, ActionContext ctx, Instant until)
      throws ActionFailure, InterruptedException {
    Optional<String> refused = ScaleDecision.refusal(params);
    if (refused.isPresent()) {
      throw new ActionFailure(refused.get(), false);
    }
    ScaleDecision d = ScaleDecision.decide(ScaleSurvey.take(ctx, params.cluster(), until), params);
    Optional<String> failure = d.failure();
    if (failure.isPresent()) {
      throw new ActionFailure(failure.get(), false);
    }
    return d;
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    Instant until = ctx.clock().instant().plus(params.deadline());
    ScaleDecision d = decide(params, ctx, until);
    List<String> changes =
        d.targets().stream().filter(t -> !t.atZero()).map(ScaleDecision.Target::line).toList();
    List<String> unchanged =
        d.targets().stream()
            .filter(ScaleDecision.Target::atZero)
            .map(ScaleDecision.Target::line)
            .toList();
    return new Plan(changes, outputs(d).values())
        .withUnchanged(unchanged)
        .withEffects(List.of(nodesGone(ctx, params.cluster(), d, until)));
  }

  /**
   * What the step leaves for the steps after it: no node of its groups, by label or by instance
   * (apply waits until they are gone).
   */
  private static ClusterEffect nodesGone(
      ActionContext ctx, String cluster, ScaleDecision d, Instant until)
      throws ActionFailure, InterruptedException {
    GroupNodes.Members members =
        GroupNodes.members(
            ctx,
            ctx.client(AutoScalingClient.class),
            GroupNodes.autoScalingGroups(
                ctx,
                ctx.client(EksClient.class),
                cluster,
                d.managedNames(),
                d.selfManagedNames(),
                until),
            until);
    List<String> instances = new ArrayList<>();
    members.instances().values().forEach(instances::addAll);
    return new ClusterEffect.NodesGone(List.of(), d.managedNames(), instances, Optional.empty());
  }

  private static Outputs outputs(ScaleDecision d) {
    return Outputs.of("nodegroups", d.managedNames(), "autoScalingGroups", d.selfManagedNames());
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Instant until = ctx.clock().instant().plus(params.deadline());
    ScaleDecision d = decide(params, ctx, until);
    EksClient eks = ctx.client(EksClient.class);
    AutoScalingClient asg = ctx.client(AutoScalingClient.class);
    // Every group's update is started before any is waited for: their nodes drain together.
    Map<String, String> updates = new LinkedHashMap<>();
    for (ScaleDecision.Target t : d.targets()) {
      if (t.atZero()) {
        ctx.log(t.group().id() + ": already at zero");
      } else if (t.group().managed()) {
        updates.put(
            t.group().name(), ScaleCalls.scaleManaged(ctx, eks, params.cluster(), t, until));
      } else {
        ScaleCalls.scaleSelfManaged(ctx, asg, t, until);
      }
    }
    NodegroupUpdates.await(ctx, eks, params.cluster(), updates, until);
    ScaleCalls.awaitGone(ctx, params.cluster(), d, params.deadline(), until);
    return outputs(d);
  }
}
