package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The edges of the workload dependency graph a sleep and a wake order their waves by: the
 * annotation {@code eks-scheduler.io/depends-on} on a workload, and the step's {@code
 * dependencies}. Pure.
 */
final class DependencyEdges {
  private DependencyEdges() {}

  /** The workloads {@code w}'s annotation {@code eks-scheduler.io/depends-on} names. */
  static Set<WorkloadGraph.Ref> dependsOn(Workload w) throws ActionFailure {
    String text = w.annotations().get(Originals.DEPENDS_ON);
    Set<WorkloadGraph.Ref> out = new LinkedHashSet<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(WorkloadGraph.Ref.parse(part, w.namespace()));
      } catch (IllegalArgumentException e) {
        throw new ActionFailure(
            w.id() + ": annotation " + Originals.DEPENDS_ON + ": " + e.getMessage(), false);
      }
    }
    return out;
  }

  /**
   * Adds the edges of {@code w}'s annotation to {@code edges} when {@code w} scales (a Deployment
   * or a StatefulSet); a wrong annotation goes to {@code refused} instead.
   */
  static void addAnnotationEdges(
      Workload w, Map<WorkloadGraph.Ref, Set<WorkloadGraph.Ref>> edges, List<String> refused) {
    if (!w.kind().scales()) {
      return;
    }
    try {
      Set<WorkloadGraph.Ref> to = dependsOn(w);
      edges.computeIfAbsent(w.ref(), k -> new LinkedHashSet<>()).addAll(to);
    } catch (ActionFailure e) {
      refused.add(e.getMessage());
    }
  }

  /** Adds a step's {@code dependencies} ("ns/name" to what it depends on) to {@code edges}. */
  static void addParamEdges(
      Map<String, List<String>> dependencies, Map<WorkloadGraph.Ref, Set<WorkloadGraph.Ref>> edges)
      throws ActionFailure {
    if (dependencies == null) {
      return;
    }
    for (Map.Entry<String, List<String>> e : new TreeMap<>(dependencies).entrySet()) {
      try {
        if (!e.getKey().contains("/")) {
          throw new IllegalArgumentException(
              "'" + e.getKey() + "' is not a workload: write namespace/name");
        }
        WorkloadGraph.Ref from = WorkloadGraph.Ref.parse(e.getKey(), "");
        Set<WorkloadGraph.Ref> to = edges.computeIfAbsent(from, k -> new LinkedHashSet<>());
        for (String dep : e.getValue() == null ? List.<String>of() : e.getValue()) {
          to.add(WorkloadGraph.Ref.parse(dep, from.namespace()));
        }
      } catch (IllegalArgumentException ex) {
        throw new ActionFailure("dependencies: " + ex.getMessage(), false);
      }
    }
  }
}
