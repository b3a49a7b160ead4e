package io.eksscheduler.sandbox.scenario;

import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.kube.ManifestApplier;
import io.eksscheduler.sandbox.kube.ObjectRef;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.ApiextensionsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Puts a scenario into a running cluster in the order a real cluster would have been built: nodes,
 * namespaces and CRDs, then workloads, then (once their servers are Ready) the admission webhook
 * configurations, which would otherwise reject the pods that serve them.
 */
public final class ScenarioDeployer {

  private static final Set<String> FIRST =
      Set.of("Namespace", "CustomResourceDefinition", "StorageClass", "CSIDriver", "PriorityClass");
  private static final Set<String> LAST =
      Set.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");

  private final ApiClient admin;
  private final Consumer<String> progress;

  public ScenarioDeployer(ApiClient admin, Consumer<String> progress) {
    this.admin = admin;
    this.progress = progress;
  }

  /**
   * Deploys {@code scenario} and returns once its nodes (created by the AWS simulator from the node
   * groups' desired sizes) and its workloads are Ready.
   */
  public void deploy(Scenario scenario, Duration timeout) {
    long start = System.nanoTime();
    progress.accept(
        "awaiting "
            + scenario.nodeCount()
            + " KWOK nodes of "
            + scenario.nodeGroups().size()
            + " node groups of scenario "
            + scenario.name());
    List<Map<String, Object>> first = new ArrayList<>();
    List<Map<String, Object>> middle = new ArrayList<>();
    List<Map<String, Object>> last = new ArrayList<>();
    for (Map<String, Object> manifest : scenario.manifests()) {
      String kind = String.valueOf(manifest.get("kind"));
      (FIRST.contains(kind) ? first : LAST.contains(kind) ? last : middle).add(manifest);
    }
    ManifestApplier applier = new ManifestApplier(admin);
    applier.applyAll(first);
    awaitDefinitions(first, remaining(start, timeout));
    progress.accept("applying " + middle.size() + " manifests");
    applier.applyAll(middle);
    WorkloadReadiness readiness = new WorkloadReadiness(admin, scenario.nodeCount(), middle);
    Wait.until(
        "scenario " + scenario.name() + " to be Ready",
        remaining(start, timeout),
        Duration.ofMillis(500),
        readiness::pending);
    if (!last.isEmpty()) {
      progress.accept("registering " + last.size() + " admission webhook configurations");
      applier.applyAll(last);
    }
  }

  private static Duration remaining(long startNanos, Duration timeout) {
    return Duration.ofNanos(
        Math.max(1_000_000_000L, timeout.toNanos() - (System.nanoTime() - startNanos)));
  }

  /** Waits for CRDs to be Established and each new namespace to have its default ServiceAccount. */
  private void awaitDefinitions(List<Map<String, Object>> first, Duration timeout) {
    Set<String> crds = new LinkedHashSet<>();
    Set<String> namespaces = new LinkedHashSet<>();
    for (Map<String, Object> manifest : first) {
      ObjectRef ref = ObjectRef.of(manifest);
      if (ref.kind().equals("CustomResourceDefinition")) {
        crds.add(ref.name());
      } else if (ref.kind().equals("Namespace")) {
        namespaces.add(ref.name());
      }
    }
    ApiextensionsV1Api extensions = new ApiextensionsV1Api(admin);
    CoreV1Api core = new CoreV1Api(admin);
    Wait.until(
        "CRDs "
            + crds
            + " to be Established and namespaces "
            + namespaces
            + " to get their default ServiceAccount",
        timeout,
        Duration.ofMillis(200),
        () -> {
          List<String> missing = new ArrayList<>();
          for (String crd : crds) {
            if (!established(extensions, crd)) {
              missing.add("CRD " + crd);
            }
          }
          for (String namespace : namespaces) {
            try {
              core.readNamespacedServiceAccount("default", namespace).execute();
            } catch (ApiException e) {
              missing.add("ServiceAccount " + namespace + "/default (HTTP " + e.getCode() + ")");
            }
          }
          return missing.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", missing));
        });
  }

  private static boolean established(ApiextensionsV1Api extensions, String name) {
    try {
      V1CustomResourceDefinition crd = extensions.readCustomResourceDefinition(name).execute();
      return crd.getStatus() != null
          && crd.getStatus().getConditions() != null
          && crd.getStatus().getConditions().stream()
              .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    } catch (ApiException e) {
      return false;
    }
  }
}
