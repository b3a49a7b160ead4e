package io.eksscheduler.actions.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.kube.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddOnVersionsTest {

  @Test
  void nodePoolServedOnlyAtV1beta1IsNamed() {
    assertEquals(
        List.of(
            "NodePool (nodepools.karpenter.sh) is served only at karpenter.sh/v1beta1, and"
                + " eks-scheduler reads it at karpenter.sh/v1: upgrade the add-on so that it"
                + " serves v1"),
        AddOnVersions.unsupported(Map.of(ResourceType.NODE_POOL, Set.of("v1beta1"))));
  }

  @Test
  void helmReleaseServedOnlyAtBetaVersionsIsNamedWithEachVersion() {
    assertEquals(
        List.of(
            "HelmRelease (helmreleases.helm.toolkit.fluxcd.io) is served only at"
                + " helm.toolkit.fluxcd.io/v2beta1, helm.toolkit.fluxcd.io/v2beta2, and"
                + " eks-scheduler reads it at helm.toolkit.fluxcd.io/v2: upgrade the add-on so"
                + " that it serves v2"),
        AddOnVersions.unsupported(Map.of(ResourceType.HELM_RELEASE, Set.of("v2beta2", "v2beta1"))));
  }

  @Test
  void kindServedAtItsVersionAmongOthersIsFine() {
    assertEquals(
        List.of(),
        AddOnVersions.unsupported(
            Map.of(
                ResourceType.HELM_RELEASE,
                Set.of("v2", "v2beta2"),
                ResourceType.NODE_POOL,
                Set.of("v1"))));
  }

  @Test
  void kindNotInstalledIsFine() {
    assertEquals(List.of(), AddOnVersions.unsupported(Map.of()));
  }

  @Test
  void eachUnsupportedKindIsNamedInTheOrderOfTheAddOns() {
    assertEquals(
        List.of("Kustomization", "NodePool"),
        AddOnVersions.unsupported(
                Map.of(
                    ResourceType.NODE_POOL,
                    Set.of("v1beta1"),
                    ResourceType.KUSTOMIZATION,
                    Set.of("v1beta2")))
            .stream()
            .map(line -> line.substring(0, line.indexOf(' ')))
            .toList());
  }
}
