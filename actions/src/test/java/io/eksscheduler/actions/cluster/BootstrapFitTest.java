package io.eksscheduler.actions.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.cluster.BootstrapFit.NodeTemplate;
import io.eksscheduler.actions.cluster.BootstrapFit.Pod;
import io.eksscheduler.actions.cluster.BootstrapFit.Taint;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapFitTest {
  private static final List<String> AB = List.of("eu-west-1a", "eu-west-1b");

  private static NodeTemplate nodes(int count, List<Taint> taints) {
    return new NodeTemplate(
        "nodegroup system", count, Map.of("workload", "system"), AB, taints, 1930, 3000, 17);
  }

  private static Pod pod(String owner, long cpu, Map<String, String> selector, Set<String> zones) {
    return new Pod(owner, cpu, 100, selector, zones, t -> false);
  }

  @Test
  void daemonSetPodsComeFirstOnEveryNodeThenTheCriticalPodsLargestFirst() {
    Pod daemon = pod("DaemonSet kube-system/aws-node", 500, Map.of(), Set.of());
    Pod coredns = pod("Deployment kube-system/coredns", 1000, Map.of(), Set.of());
    assertTrue(
        BootstrapFit.place(List.of(nodes(2, List.of())), List.of(daemon), List.of(coredns, coredns))
            .fits());
    BootstrapFit.Result one =
        BootstrapFit.place(
            List.of(nodes(1, List.of())), List.of(daemon), List.of(coredns, coredns));
    assertEquals(
        List.of(
            "Deployment kube-system/coredns: no node it may run on has room left for 1000m CPU and"
                + " 100Mi memory"),
        one.unplaced());
  }

  @Test
  void aVolumeInAZoneNoGroupServesIsNamed() {
    Pod postgres = pod("StatefulSet data/postgres (pod 0)", 100, Map.of(), Set.of("eu-west-1c"));
    assertEquals(
        List.of(
            "StatefulSet data/postgres (pod 0): needs a node in zone eu-west-1c; no node group"
                + " serves that zone"),
        BootstrapFit.place(List.of(nodes(3, List.of())), List.of(), List.of(postgres)).unplaced());
  }

  @Test
  void selectorsAndTaintsDecideWhereAPodMayRun() {
    Taint dedicated = new Taint("dedicated", "system", "NoSchedule");
    Pod picky = pod("Deployment x/y", 10, Map.of("workload", "batch"), Set.of());
    assertEquals(
        List.of("Deployment x/y: no node has the labels it selects {workload=batch}"),
        BootstrapFit.place(List.of(nodes(1, List.of())), List.of(), List.of(picky)).unplaced());
    Pod intolerant = pod("Deployment x/z", 10, Map.of(), Set.of());
    assertEquals(
        List.of("Deployment x/z: every node it selects has a taint it does not tolerate"),
        BootstrapFit.place(List.of(nodes(1, List.of(dedicated))), List.of(), List.of(intolerant))
            .unplaced());
    Pod tolerant =
        new Pod("Deployment x/t", 10, 100, Map.of(), Set.of(), t -> t.key().equals("dedicated"));
    assertTrue(
        BootstrapFit.place(List.of(nodes(1, List.of(dedicated))), List.of(), List.of(tolerant))
            .fits());
  }
}
