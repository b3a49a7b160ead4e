package io.eksscheduler.sandbox.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.kube.ObjectRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {

  private final Scenario dev = ScenarioLoader.load("dev", new ScenarioValues(4443, "Q0E="));

  @Test
  void devHasSixToTenNodesInThreeZones() {
    List<String> zones =
        SimulatedNodes.build(dev).stream()
            .map(n -> n.getMetadata().getLabels().get("topology.kubernetes.io/zone"))
            .distinct()
            .sorted()
            .toList();

    assertTrue(dev.nodeCount() >= 6 && dev.nodeCount() <= 10, "nodes: " + dev.nodeCount());
    assertEquals(List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"), zones);
  }

  @Test
  void devHasTheWorkloadsHibernationMustHandle() {
    Set<String> kinds =
        dev.manifests().stream().map(m -> ObjectRef.of(m).kind()).collect(Collectors.toSet());

    assertTrue(
        kinds.containsAll(
            Set.of(
                "Deployment",
                "DaemonSet",
                "StatefulSet",
                "PodDisruptionBudget",
                "CronJob",
                "Job",
                "HorizontalPodAutoscaler",
                "Pod",
                "PersistentVolume",
                "NodePool",
                "ScaledObject",
                "Application",
                "Kustomization",
                "ValidatingWebhookConfiguration",
                "MutatingWebhookConfiguration")),
        kinds.toString());
  }

  @Test
  void devInstallsTheAddOnsUpstreamCrdsBeforeItsObjects() {
    List<String> crds =
        dev.manifests().stream()
            .map(ObjectRef::of)
            .filter(r -> r.kind().equals("CustomResourceDefinition"))
            .map(ObjectRef::name)
            .toList();
    assertEquals(
        List.of(
            "nodepools.karpenter.sh",
            "nodeclaims.karpenter.sh",
            "scaledobjects.keda.sh",
            "applications.argoproj.io",
            "kustomizations.kustomize.toolkit.fluxcd.io",
            "helmreleases.helm.toolkit.fluxcd.io"),
        crds);
    // The upstream schemas, not open ones: the API server prunes and validates add-on objects.
    assertTrue(
        !String.valueOf(find("CustomResourceDefinition", "nodepools.karpenter.sh"))
            .contains("x-kubernetes-preserve-unknown-fields=true}"),
        "NodePool's schema is Karpenter's");
    assertTrue(
        String.valueOf(find("CustomResourceDefinition", "nodepools.karpenter.sh"))
            .contains("replicas={description=Replicas is the desired number of nodes"),
        "Karpenter's NodePool with static pools (v1.8+)");
  }

  @Test
  void unknownAddOnCrdIsAProblem() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ScenarioLoader.parse(
                    "s.yaml",
                    "apiVersion: sandbox.eks-scheduler.io/v1alpha1\nkind: Scenario\n"
                        + "metadata: {name: s}\nspec:\n  nodeGroups: []\n"
                        + "  addOnCrds: [karpenter.sh_nodepool]\n",
                    new ScenarioValues(4443, "Q0E=")));
    assertTrue(
        e.getMessage().contains("addOnCrds: no upstream CRD 'karpenter.sh_nodepool' (known: ["),
        e.getMessage());
  }

  @Test
  void webhookPortAndCaBundleAreFilledIn() {
    Map<String, Object> service = find("Service", "kyverno-svc");
    Map<String, Object> webhook =
        find("ValidatingWebhookConfiguration", "kyverno-resource-validating-webhook-cfg");

    assertTrue(service.toString().contains("targetPort=4443"), service.toString());
    assertTrue(webhook.toString().contains("caBundle=Q0E="), webhook.toString());
    assertEquals(
        List.of("kyverno-svc.kyverno.svc", "cert-manager-webhook.cert-manager.svc"),
        dev.webhookDnsNames());
  }

  @Test
  void everyProblemOfAScenarioIsReportedAtOnce() {
    String text =
        """
        apiVersion: sandbox.eks-scheduler.io/v1alpha1
        kind: Scenario
        metadata: {name: broken}
        spec:
          nodeGroups:
          - name: a
            zones: []
            capacity: {cpu: "2"}
          webhookServices: [no-slash]
        ---
        kind: ConfigMap
        """;

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScenarioLoader.parse("broken.yaml", text, ScenarioValues.PREVIEW));

    assertTrue(
        e.getMessage().contains("spec.nodeGroups[0].count must be a whole number"), e.getMessage());
    assertTrue(
        e.getMessage().contains("manifest 1 needs apiVersion, kind and metadata.name"),
        e.getMessage());
    assertTrue(e.getMessage().contains("'no-slash' must be NAMESPACE/NAME"), e.getMessage());
    assertTrue(
        e.getMessage().contains("nodeGroups.a.zones must name at least one zone"), e.getMessage());
  }

  @Test
  void firstDocumentMustBeTheScenarioHeader() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ScenarioLoader.parse(
                    "x.yaml",
                    "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
                    ScenarioValues.PREVIEW));

    assertTrue(
        e.getMessage().startsWith("x.yaml: the first document must be kind: Scenario"),
        e.getMessage());
  }

  @Test
  void unknownScenarioNamesTheBuiltIns() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScenarioLoader.load("prod", ScenarioValues.PREVIEW));

    assertTrue(e.getMessage().contains("[dev, large, qa, staging]"), e.getMessage());
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> find(String kind, String name) {
    return dev.manifests().stream()
        .filter(m -> ObjectRef.of(m).kind().equals(kind) && ObjectRef.of(m).name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
