package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A workload a stop puts to sleep, as read from the API server: what it is, what it runs now, and
 * what a stop recorded on it.
 *
 * @param kind what kind of object it is
 * @param meta its metadata (name, namespace, annotations, resourceVersion)
 * @param replicas its {@code spec.replicas} (Deployment, StatefulSet), else null
 * @param suspend its {@code spec.suspend}, false when unset (CronJob, Job), else null
 * @param selector the selector of its pods; null for a CronJob (its Jobs are workloads)
 * @param finished for a Job: it completed or failed
 */
record Workload(
    Kind kind,
    V1ObjectMeta meta,
    Integer replicas,
    Boolean suspend,
    V1LabelSelector selector,
    boolean finished) {

  /** The kinds of workload a stop puts to sleep. */
  enum Kind {
    DEPLOYMENT("Deployment"),
    STATEFULSET("StatefulSet"),
    CRONJOB("CronJob"),
    JOB("Job");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    boolean scales() {
      return this == DEPLOYMENT || this == STATEFULSET;
    }
  }

  static Workload of(V1Deployment d) {
    // The API server defaults spec.replicas to 1, so null only appears in hand-made objects.
    Integer replicas = d.getSpec() == null ? null : d.getSpec().getReplicas();
    return new Workload(
        Kind.DEPLOYMENT,
        d.getMetadata(),
        replicas == null ? 1 : replicas,
        null,
        d.getSpec() == null ? null : d.getSpec().getSelector(),
        false);
  }

  static Workload of(V1StatefulSet s) {
    Integer replicas = s.getSpec() == null ? null : s.getSpec().getReplicas();
    return new Workload(
        Kind.STATEFULSET,
        s.getMetadata(),
        replicas == null ? 1 : replicas,
        null,
        s.getSpec() == null ? null : s.getSpec().getSelector(),
        false);
  }

  static Workload of(V1CronJob c) {
    Boolean suspend = c.getSpec() == null ? null : c.getSpec().getSuspend();
    return new Workload(
        Kind.CRONJOB, c.getMetadata(), null, Boolean.TRUE.equals(suspend), null, false);
  }

  static Workload of(V1Job j) {
    Boolean suspend = j.getSpec() == null ? null : j.getSpec().getSuspend();
    List<V1JobCondition> conditions = j.getStatus() == null ? null : j.getStatus().getConditions();
    boolean finished =
        conditions != null
            && conditions.stream()
                .anyMatch(
                    c ->
                        ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                            && "True".equals(c.getStatus()));
    return new Workload(
        Kind.JOB,
        j.getMetadata(),
        null,
        Boolean.TRUE.equals(suspend),
        j.getSpec() == null ? null : j.getSpec().getSelector(),
        finished);
  }

  String namespace() {
    return meta.getNamespace();
  }

  String name() {
    return meta.getName();
  }

  WorkloadGraph.Ref ref() {
    return new WorkloadGraph.Ref(namespace(), name());
  }

  /** The workload as the effects a plan predicts name it. */
  ClusterEffect.Ref clusterRef() {
    return new ClusterEffect.Ref(kind.label, namespace(), name());
  }

  /** What users read: {@code Deployment shop/api}. */
  String id() {
    return kind.label + " " + namespace() + "/" + name();
  }

  /** The ledger key of its original. */
  String ledgerKey() {
    return "original:" + id();
  }

  Map<String, String> annotations() {
    return meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
  }

  Map<String, String> labels() {
    return meta.getLabels() == null ? Map.of() : meta.getLabels();
  }

  /** Asleep: no replicas, or suspended. */
  boolean asleep() {
    return kind.scales() ? replicas == 0 : suspend;
  }

  /** What it runs now, as an original recorded by {@code run}. */
  Original current(String run) {
    return kind.scales() ? Original.ofReplicas(run, replicas) : Original.ofSuspend(run, suspend);
  }

  /**
   * The original a stop recorded on it, if any.
   *
   * @throws IllegalArgumentException naming the workload when the annotation cannot be read
   */
  Optional<Original> recorded() {
    try {
      return Originals.parse(annotations().get(Originals.ANNOTATION));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          id()
              + ": annotation "
              + Originals.ANNOTATION
              + " "
              + e.getMessage()
              + "; fix or remove it",
          e);
    }
  }

  /** The change a sleep makes, for the plan: {@code replicas 3 -> 0}. */
  String change() {
    return kind.scales() ? "replicas " + replicas + " -> 0" : "suspend " + suspend + " -> true";
  }

  /** Each wave's workloads, as "Kind ns/name": the {@code waves} output of a sleep and a wake. */
  static <E> List<List<String>> ids(List<List<E>> waves, Function<E, Workload> workload) {
    return waves.stream().map(w -> w.stream().map(e -> workload.apply(e).id()).toList()).toList();
  }
}
