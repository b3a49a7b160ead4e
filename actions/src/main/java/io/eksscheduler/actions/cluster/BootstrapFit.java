package io.eksscheduler.actions.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether the critical set fits on the nodes about to be restored, as the scheduler would
 * place it: a pure function over node templates and pods, unit-tested. Each node first takes one
 * pod of every DaemonSet that tolerates and selects it; then the critical pods go, largest CPU
 * request first, on the first node whose labels they select, whose taints they tolerate and whose
 * remaining CPU, memory and pod slots hold them.
 */
final class BootstrapFit {

  /**
   * The nodes a group will bring.
   *
   * @param group the group's id
   * @param count how many nodes
   * @param labels the labels its nodes carry (without the zone, added per node)
   * @param zones the zones its nodes spread over, in turn
   * @param taints {@code key=value:Effect} of NoSchedule and NoExecute taints
   * @param milliCpu allocatable CPU of one node
   * @param memoryMi allocatable memory of one node
   * @param pods the pod limit of one node
   */
  record NodeTemplate(
      String group,
      int count,
      Map<String, String> labels,
      List<String> zones,
      List<Taint> taints,
      long milliCpu,
      long memoryMi,
      int pods) {}

  /** A taint a pod must tolerate to be placed. */
  record Taint(String key, String value, String effect) {}

  /**
   * A pod to place.
   *
   * @param owner what users read: {@code Deployment kube-system/coredns}
   * @param milliCpu its CPU request
   * @param memoryMi its memory request
   * @param nodeSelector labels the node must carry (nodeSelector and required affinity with In of
   *     one value)
   * @param zones zones the node must be in (required affinity, or its volume), empty for any
   * @param tolerates whether it tolerates a taint
   */
  record Pod(
      String owner,
      long milliCpu,
      long memoryMi,
      Map<String, String> nodeSelector,
      Set<String> zones,
      java.util.function.Predicate<Taint> tolerates) {

    boolean fitsLabels(Map<String, String> labels) {
      return labels.entrySet().containsAll(nodeSelector.entrySet())
          && (zones.isEmpty() || zones.contains(labels.get(ZONE)));
    }

    boolean tolerates(List<Taint> taints) {
      return taints.stream().allMatch(tolerates);
    }
  }

  /** The outcome: the pods that found no node, each with why. */
  record Result(List<String> unplaced) {
    boolean fits() {
      return unplaced.isEmpty();
    }
  }

  static final String ZONE = "topology.kubernetes.io/zone";

  private BootstrapFit() {}

  /** A node being filled. */
  private static final class Node {
    final NodeTemplate template;
    final Map<String, String> labels;
    long cpu;
    long memory;
    int pods;

    Node(NodeTemplate template, String zone) {
      this.template = template;
      this.labels = new LinkedHashMap<>(template.labels());
      if (zone != null) {
        labels.put(ZONE, zone);
      }
      this.cpu = template.milliCpu();
      this.memory = template.memoryMi();
      this.pods = template.pods();
    }

    boolean take(Pod p) {
      if (p.milliCpu() > cpu || p.memoryMi() > memory || pods < 1) {
        return false;
      }
      cpu -= p.milliCpu();
      memory -= p.memoryMi();
      pods--;
      return true;
    }
  }

  static Result place(List<NodeTemplate> templates, List<Pod> daemons, List<Pod> critical) {
    List<Node> nodes = new ArrayList<>();
    for (NodeTemplate t : templates) {
      for (int i = 0; i < t.count(); i++) {
        String zone = t.zones().isEmpty() ? null : t.zones().get(i % t.zones().size());
        nodes.add(new Node(t, zone));
      }
    }
    List<String> unplaced = new ArrayList<>();
    for (Node n : nodes) {
      for (Pod d : daemons) {
        if (d.fitsLabels(n.labels) && d.tolerates(n.template.taints()) && !n.take(d)) {
          unplaced.add(
              d.owner()
                  + " on a node of "
                  + n.template.group()
                  + ": its DaemonSet pod does not fit ("
                  + d.milliCpu()
                  + "m CPU, "
                  + d.memoryMi()
                  + "Mi)");
        }
      }
    }
    List<Pod> order = new ArrayList<>(critical);
    order.sort(Comparator.comparingLong(Pod::milliCpu).reversed().thenComparing(Pod::owner));
    for (Pod p : order) {
      boolean placed = false;
      for (Node n : nodes) {
        if (p.fitsLabels(n.labels) && p.tolerates(n.template.taints()) && n.take(p)) {
          placed = true;
          break;
        }
      }
      if (!placed) {
        unplaced.add(p.owner() + ": " + why(p, nodes));
      }
    }
    return new Result(unplaced);
  }

  private static String why(Pod p, List<Node> nodes) {
    if (nodes.isEmpty()) {
      return "no node would be restored";
    }
    if (!p.zones().isEmpty()
        && nodes.stream().noneMatch(n -> p.zones().contains(n.labels.get(ZONE)))) {
      return "needs a node in zone "
          + String.join(" or ", p.zones())
          + "; no node group serves that zone";
    }
    if (nodes.stream().noneMatch(n -> p.fitsLabels(n.labels))) {
      return "no node has the labels it selects " + p.nodeSelector();
    }
    if (nodes.stream().noneMatch(n -> p.fitsLabels(n.labels) && p.tolerates(n.template.taints()))) {
      return "every node it selects has a taint it does not tolerate";
    }
    return "no node it may run on has room left for "
        + p.milliCpu()
        + "m CPU and "
        + p.memoryMi()
        + "Mi memory";
  }
}
