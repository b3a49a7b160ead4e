package io.eksscheduler.actions.cluster;

import io.eksscheduler.actions.nodegroups.NodeGroupSurvey;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.Group;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.LaunchTemplate;
import io.eksscheduler.actions.nodegroups.RestoreSizes;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.actions.workloads.CriticalPods;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Before a wake spends money, proves that the capacity about to be restored can run the critical
 * set (see {@link CriticalPods}): one pod of each DaemonSet on every node, system Deployments,
 * webhook and controller pods, and every StatefulSet pod whose volume is bound to a zone, placed
 * against each node's allocatable CPU, memory and pod slots, its labels, taints and zone. A
 * shortfall fails the step before anything changes and says what is missing, with the node count
 * that would suffice.
 */
public final class BootstrapCheck implements Action<BootstrapCheck.Params> {
  private static final String NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";

  /**
   * The parameters of {@code bootstrap.check}.
   *
   * @param cluster the EKS cluster's name
   * @param minNodes the floor the restore will apply (0 or absent: the recorded sizes)
   */
  public record Params(String cluster, Integer minNodes) {}

  /** What the check found. */
  private record Finding(
      int planned, int suffices, List<String> shortfall, List<String> notes, boolean fits) {}

  @Override
  public String name() {
    return "bootstrap.check";
  }

  @Override
  public String description() {
    return "Proves, before any scaling, that the node groups about to be restored can run the"
        + " critical set (DaemonSets, system and webhook pods, zonal volumes); a shortfall fails"
        + " naming what is missing and the node count that would suffice.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/bootstrap.check.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec(
            "nodes", ValueType.INTEGER, "the node count that suffices (at least the planned one)"),
        new OutputSpec("planned", ValueType.INTEGER, "the nodes the restore would bring"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    Finding f = check(params, ctx);
    List<String> lines = new ArrayList<>(f.notes());
    if (f.fits()) {
      lines.add("the critical set fits on the " + f.planned() + " nodes to be restored");
    } else {
      f.shortfall().forEach(s -> lines.add("shortfall: " + s));
      lines.add(verdict(f) + "; the step would fail before any change");
    }
    return new Plan(lines, Map.of("nodes", f.suffices(), "planned", f.planned()));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Finding f = check(params, ctx);
    f.notes().forEach(ctx::log);
    if (!f.fits()) {
      throw new ActionFailure(
          "the nodes to be restored cannot run the critical set: "
              + String.join("; ", f.shortfall())
              + ". "
              + verdict(f)
              + "; nothing was changed",
          false);
    }
    ctx.log("the critical set fits on the " + f.planned() + " nodes to be restored");
    return Outputs.of("nodes", f.suffices(), "planned", f.planned());
  }

  private static String verdict(Finding f) {
    if (f.suffices() > f.planned()) {
      return f.suffices()
          + " nodes would suffice (start --min-nodes "
          + f.suffices()
          + "); "
          + f.planned()
          + " are planned";
    }
    return "no node count up to every group's maxSize suffices";
  }

  private static Finding check(Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    Instant until = ctx.clock().instant().plus(Duration.ofMinutes(2));
    List<Group> groups = NodeGroupSurvey.take(ctx, params.cluster(), until);
    Map<LaunchTemplate, NodeInstanceTypes.Template> templates =
        NodeInstanceTypes.read(ctx, groups, until);
    Map<String, String> types = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    List<Group> counted = new ArrayList<>();
    List<RestoreSizes.Input> inputs = new ArrayList<>();
    for (Group g : groups) {
      Optional<GroupOriginal> o =
          ctx.ledger().get(g.ledgerKey(), GroupOriginal.class).or(g::tagged);
      int min = o.map(GroupOriginal::min).orElse(g.min());
      int desired = o.map(GroupOriginal::desired).orElse(g.desired());
      int max = o.map(GroupOriginal::max).orElse(g.max());
      NodeInstanceTypes.Choice type =
          NodeInstanceTypes.choose(g, desired, templates.get(g.launchTemplate()));
      if (type.note() != null) {
        notes.add(type.note());
      }
      if (type.instanceType() == null) {
        continue;
      }
      types.put(g.id(), type.instanceType());
      counted.add(g);
      inputs.add(new RestoreSizes.Input(g.name(), min, desired, max, g.zones()));
    }
    List<CriticalPods.Need> needs = CriticalPods.read(ctx);
    Set<String> volumeZones = new LinkedHashSet<>();
    needs.forEach(n -> volumeZones.addAll(n.zones()));
    int floor = params.minNodes() == null ? 0 : params.minNodes();
    RestoreSizes.Result planned = RestoreSizes.decide(inputs, floor, volumeZones);
    int plannedTotal = total(planned);
    BootstrapFit.Result fit = fit(counted, types, planned, needs);
    if (fit.fits()) {
      return new Finding(plannedTotal, plannedTotal, List.of(), notes, true);
    }
    int capacity = inputs.stream().mapToInt(RestoreSizes.Input::max).sum();
    for (int more = plannedTotal + 1; more <= capacity; more++) {
      RestoreSizes.Result bigger = RestoreSizes.decide(inputs, more, volumeZones);
      if (bigger.shortBy() > 0) {
        break;
      }
      if (fit(counted, types, bigger, needs).fits()) {
        return new Finding(plannedTotal, more, fit.unplaced(), notes, false);
      }
    }
    return new Finding(plannedTotal, plannedTotal, fit.unplaced(), notes, false);
  }

  private static int total(RestoreSizes.Result r) {
    return r.desired().values().stream().mapToInt(Integer::intValue).sum();
  }

  private static BootstrapFit.Result fit(
      List<Group> groups,
      Map<String, String> types,
      RestoreSizes.Result sizes,
      List<CriticalPods.Need> needs) {
    List<BootstrapFit.NodeTemplate> templates = new ArrayList<>();
    for (Group g : groups) {
      String type = types.get(g.id());
      InstanceShapes.Shape shape = InstanceShapes.of(type).orElseThrow();
      Map<String, String> labels = new java.util.LinkedHashMap<>(g.labels());
      labels.put(NODEGROUP_LABEL, g.name());
      labels.put("node.kubernetes.io/instance-type", type);
      List<BootstrapFit.Taint> taints = new ArrayList<>();
      for (String t : g.taints()) {
        String effect = t.substring(t.lastIndexOf(':') + 1);
        String kv = t.substring(0, t.lastIndexOf(':'));
        int eq = kv.indexOf('=');
        if ("NoSchedule".equals(effect) || "NoExecute".equals(effect)) {
          taints.add(new BootstrapFit.Taint(kv.substring(0, eq), kv.substring(eq + 1), effect));
        }
      }
      templates.add(
          new BootstrapFit.NodeTemplate(
              g.id(),
              sizes.desired().getOrDefault(g.name(), 0),
              labels,
              g.zones(),
              taints,
              shape.milliCpu(),
              shape.memoryMi(),
              shape.pods()));
    }
    List<BootstrapFit.Pod> daemons = new ArrayList<>();
    List<BootstrapFit.Pod> pods = new ArrayList<>();
    for (CriticalPods.Need n : needs) {
      for (int i = 0; i < n.replicas(); i++) {
        BootstrapFit.Pod p =
            new BootstrapFit.Pod(
                n.owner(),
                n.milliCpu(),
                n.memoryMi(),
                n.nodeSelector(),
                n.zones(),
                t -> n.tolerates(t.key(), t.value(), t.effect()));
        (n.daemon() ? daemons : pods).add(p);
      }
    }
    return BootstrapFit.place(templates, daemons, pods);
  }
}
