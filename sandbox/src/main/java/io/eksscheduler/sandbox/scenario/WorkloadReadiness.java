package io.eksscheduler.sandbox.scenario;

import io.eksscheduler.sandbox.kube.ObjectRef;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Tells what of a scenario is not Ready yet: nodes, Deployments, StatefulSets, DaemonSets, bare
 * pods and Jobs (a Job counts once it has a Ready or a finished pod). Lists per kind, so a poll of
 * the 3,000-pod scenario is a handful of calls.
 */
final class WorkloadReadiness {

  private static final int SHOWN = 6;

  private final CoreV1Api core;
  private final AppsV1Api apps;
  private final BatchV1Api batch;
  private final int expectedNodes;
  private final Map<String, List<ObjectRef>> byKind;

  WorkloadReadiness(ApiClient client, int expectedNodes, List<Map<String, Object>> manifests) {
    this.core = new CoreV1Api(client);
    this.apps = new AppsV1Api(client);
    this.batch = new BatchV1Api(client);
    this.expectedNodes = expectedNodes;
    this.byKind =
        manifests.stream().map(ObjectRef::of).collect(Collectors.groupingBy(ObjectRef::kind));
  }

  /** What is still not Ready, summarised; empty when everything is. */
  Optional<String> pending() {
    try {
      List<String> missing = new ArrayList<>();
      missing.addAll(nodes());
      missing.addAll(deployments());
      missing.addAll(statefulSets());
      missing.addAll(daemonSets());
      missing.addAll(pods());
      missing.addAll(jobs());
      if (missing.isEmpty()) {
        return Optional.empty();
      }
      String shown = missing.stream().limit(SHOWN).collect(Collectors.joining(", "));
      return Optional.of(
          missing.size() > SHOWN ? shown + " and " + (missing.size() - SHOWN) + " more" : shown);
    } catch (ApiException e) {
      return Optional.of("API error HTTP " + e.getCode() + ": " + e.getMessage());
    }
  }

  private List<String> nodes() throws ApiException {
    long ready =
        core.listNode().execute().getItems().stream()
            .filter(n -> n.getStatus() != null && n.getStatus().getConditions() != null)
            .filter(
                n ->
                    n.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
            .count();
    return ready >= expectedNodes
        ? List.of()
        : List.of(ready + "/" + expectedNodes + " nodes Ready");
  }

  private List<String> deployments() throws ApiException {
    if (!byKind.containsKey("Deployment")) {
      return List.of();
    }
    Map<String, V1Deployment> live =
        index(apps.listDeploymentForAllNamespaces().execute().getItems(), d -> d.getMetadata());
    return check(
        "Deployment",
        live,
        d -> {
          int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
          int ready =
              Objects.requireNonNullElse(
                  d.getStatus() == null ? null : d.getStatus().getReadyReplicas(), 0);
          int updated =
              Objects.requireNonNullElse(
                  d.getStatus() == null ? null : d.getStatus().getUpdatedReplicas(), 0);
          return ready >= want && updated >= want ? null : ready + "/" + want + " ready";
        });
  }

  private List<String> statefulSets() throws ApiException {
    if (!byKind.containsKey("StatefulSet")) {
      return List.of();
    }
    Map<String, V1StatefulSet> live =
        index(apps.listStatefulSetForAllNamespaces().execute().getItems(), s -> s.getMetadata());
    return check(
        "StatefulSet",
        live,
        s -> {
          int want = Objects.requireNonNullElse(s.getSpec().getReplicas(), 1);
          int ready =
              Objects.requireNonNullElse(
                  s.getStatus() == null ? null : s.getStatus().getReadyReplicas(), 0);
          return ready >= want ? null : ready + "/" + want + " ready";
        });
  }

  private List<String> daemonSets() throws ApiException {
    if (!byKind.containsKey("DaemonSet")) {
      return List.of();
    }
    Map<String, V1DaemonSet> live =
        index(apps.listDaemonSetForAllNamespaces().execute().getItems(), d -> d.getMetadata());
    return check(
        "DaemonSet",
        live,
        d -> {
          if (d.getStatus() == null) {
            return "no status yet";
          }
          int want = d.getStatus().getDesiredNumberScheduled();
          int ready = d.getStatus().getNumberReady();
          return want > 0 && ready >= want ? null : ready + "/" + want + " ready";
        });
  }

  private List<String> pods() throws ApiException {
    List<String> missing = new ArrayList<>();
    for (ObjectRef ref : byKind.getOrDefault("Pod", List.of())) {
      V1Pod pod = core.readNamespacedPod(ref.name(), ref.namespaceOrDefault()).execute();
      boolean ready =
          pod.getStatus() != null
              && pod.getStatus().getConditions() != null
              && pod.getStatus().getConditions().stream()
                  .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
      if (!ready) {
        missing.add("Pod " + ref.namespaceOrDefault() + "/" + ref.name() + " not Ready");
      }
    }
    return missing;
  }

  private List<String> jobs() throws ApiException {
    List<String> missing = new ArrayList<>();
    for (ObjectRef ref : byKind.getOrDefault("Job", List.of())) {
      V1Job job = batch.readNamespacedJob(ref.name(), ref.namespaceOrDefault()).execute();
      int ready =
          job.getStatus() == null ? 0 : Objects.requireNonNullElse(job.getStatus().getReady(), 0);
      int succeeded =
          job.getStatus() == null
              ? 0
              : Objects.requireNonNullElse(job.getStatus().getSucceeded(), 0);
      if (ready + succeeded == 0) {
        missing.add("Job " + ref.namespaceOrDefault() + "/" + ref.name() + " has no running pod");
      }
    }
    return missing;
  }

  private <T> List<String> check(
      String kind, Map<String, T> live, java.util.function.Function<T, String> verdict) {
    List<String> missing = new ArrayList<>();
    for (ObjectRef ref : byKind.get(kind)) {
      String key = ref.namespaceOrDefault() + "/" + ref.name();
      T object = live.get(key);
      String problem = object == null ? "absent" : verdict.apply(object);
      if (problem != null) {
        missing.add(kind + " " + key + " " + problem);
      }
    }
    return missing;
  }

  private static <T> Map<String, T> index(
      List<T> items,
      java.util.function.Function<T, io.kubernetes.client.openapi.models.V1ObjectMeta> meta) {
    Map<String, T> out = new HashMap<>();
    for (T item : items) {
      out.put(meta.apply(item).getNamespace() + "/" + meta.apply(item).getName(), item);
    }
    return out;
  }
}
