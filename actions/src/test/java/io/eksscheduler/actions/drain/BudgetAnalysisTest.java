package io.eksscheduler.actions.drain;

import static io.eksscheduler.actions.drain.DrainFixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BudgetAnalysisTest {

  private static V1Pod coredns(String name) {
    return new V1Pod()
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .namespace("kube-system")
                .labels(Map.of("k8s-app", "kube-dns")));
  }

  private static final V1PodDisruptionBudget COREDNS_PDB =
      new V1PodDisruptionBudget()
          .metadata(new V1ObjectMeta().name("coredns").namespace("kube-system"))
          .spec(
              new V1PodDisruptionBudgetSpec()
                  .maxUnavailable(new IntOrString(1))
                  .selector(new V1LabelSelector().matchLabels(Map.of("k8s-app", "kube-dns"))))
          .status(new V1PodDisruptionBudgetStatus().disruptionsAllowed(1));

  @Test
  void coreDnsBudgetCannotBeMetWhenEveryNodeDrains() {
    BudgetAnalysis.Result r =
        BudgetAnalysis.analyse(
            List.of(coredns("a"), coredns("b")),
            List.of(COREDNS_PDB),
            List.of(node("n1", false), node("n2", false)),
            Set.of("n1", "n2"));
    assertEquals(1, r.unmeetable().size());
    assertEquals("kube-system/coredns", r.unmeetable().get(0).name());
    assertEquals(List.of("kube-system/a", "kube-system/b"), r.unmeetable().get(0).pods());
  }

  @Test
  void aSchedulableNodeOutsideTheDrainMakesTheBudgetMeetable() {
    BudgetAnalysis.Result r =
        BudgetAnalysis.analyse(
            List.of(coredns("a"), coredns("b")),
            List.of(COREDNS_PDB),
            List.of(node("n1", false), node("n2", false), node("spare", false)),
            Set.of("n1", "n2"));
    assertTrue(r.unmeetable().isEmpty());
  }

  @Test
  void aCordonedSpareDoesNotCount() {
    BudgetAnalysis.Result r =
        BudgetAnalysis.analyse(
            List.of(coredns("a"), coredns("b")),
            List.of(COREDNS_PDB),
            List.of(node("n1", false), node("spare", true)),
            Set.of("n1"));
    assertFalse(r.unmeetable().isEmpty());
  }

  @Test
  void aPodUnderTwoBudgetsIsAConflict() {
    V1PodDisruptionBudget other =
        new V1PodDisruptionBudget()
            .metadata(new V1ObjectMeta().name("all").namespace("kube-system"))
            .spec(new V1PodDisruptionBudgetSpec().selector(new V1LabelSelector()))
            .status(new V1PodDisruptionBudgetStatus().disruptionsAllowed(5));
    BudgetAnalysis.Result r =
        BudgetAnalysis.analyse(
            List.of(coredns("a")), List.of(COREDNS_PDB, other), List.of(), Set.of());
    assertEquals(List.of("kube-system/a (kube-system/coredns, kube-system/all)"), r.conflicts());
  }
}
