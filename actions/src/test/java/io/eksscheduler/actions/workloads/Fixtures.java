package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.originals.Originals;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobSpec;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Workloads and scopes as plain values, for the tests of the sleep and wake decisions. */
final class Fixtures {
  private Fixtures() {}

  /** "ns/name" with its annotations, given as key, value, key, value... */
  static V1ObjectMeta meta(String id, String... annotations) {
    String[] parts = id.split("/");
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < annotations.length; i += 2) {
      a.put(annotations[i], annotations[i + 1]);
    }
    return new V1ObjectMeta()
        .namespace(parts[0])
        .name(parts[1])
        .resourceVersion("1")
        .annotations(a.isEmpty() ? null : a);
  }

  static Workload deployment(String id, int replicas, String... annotations) {
    return Workload.of(
        new V1Deployment()
            .metadata(meta(id, annotations))
            .spec(
                new V1DeploymentSpec()
                    .replicas(replicas)
                    .selector(new V1LabelSelector().matchLabels(Map.of("app", id)))));
  }

  static Workload statefulSet(String id, int replicas, String... annotations) {
    return Workload.of(
        new V1StatefulSet()
            .metadata(meta(id, annotations))
            .spec(
                new V1StatefulSetSpec()
                    .replicas(replicas)
                    .selector(new V1LabelSelector().matchLabels(Map.of("app", id)))));
  }

  static Workload cronJob(String id, boolean suspend, String... annotations) {
    return Workload.of(
        new V1CronJob().metadata(meta(id, annotations)).spec(new V1CronJobSpec().suspend(suspend)));
  }

  static Workload job(String id, boolean suspend, boolean finished, String... annotations) {
    return Workload.of(
        new V1Job()
            .metadata(meta(id, annotations))
            .spec(new V1JobSpec().suspend(suspend).selector(new V1LabelSelector()))
            .status(
                new V1JobStatus()
                    .conditions(
                        finished
                            ? List.of(new V1JobCondition().type("Complete").status("True"))
                            : List.of())));
  }

  /** The annotation's value a stop of run {@code run} leaves on a workload that ran {@code n}. */
  static String replicas(String run, int n) {
    return Originals.format(Originals.Original.ofReplicas(run, n));
  }

  /** All namespaces, nothing excluded by the step; {@code webhooks} serve admission webhooks. */
  static SleepScope scope(Map<String, String> webhooks, String... annotatedNamespaces) {
    return new SleepScope(Set.of(), Set.of(), Set.of(annotatedNamespaces), webhooks, false);
  }

  static SleepScope scope() {
    return scope(Map.of());
  }
}
