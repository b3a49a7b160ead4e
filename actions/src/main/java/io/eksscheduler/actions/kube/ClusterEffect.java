package io.eksscheduler.actions.kube;

import io.eksscheduler.engine.spi.Effect;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lasting change to the cluster that a step's plan predicts, which {@link ClusterView} shows to
 * the plans of the later steps of the same dry-run: so a drain planned after a sleep plans on the
 * pods the sleep leaves, as the run will.
 */
public sealed interface ClusterEffect extends Effect {

  /**
   * One object.
   *
   * @param kind its kind ({@code Deployment})
   * @param namespace its namespace, null for a cluster-scoped object
   * @param name its name
   */
  record Ref(String kind, String namespace, String name) {

    /** What users read: {@code Deployment shop/api}. */
    public String id() {
      return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }
  }

  /**
   * What a step does to the annotation {@code eks-scheduler.io/original} of the object it changes.
   *
   * @param touched false when the step leaves the annotation as it is
   * @param value the annotation's text after the step; empty when the step removes it
   */
  record Marker(boolean touched, Optional<String> value) {

    /** The annotation left as it is. */
    public static final Marker UNTOUCHED = new Marker(false, Optional.empty());

    /** The annotation set to {@code text}. */
    public static Marker set(String text) {
      return new Marker(true, Optional.of(text));
    }

    /** The annotation removed. */
    public static Marker removed() {
      return new Marker(true, Optional.empty());
    }

    private String describe() {
      if (!touched) {
        return "";
      }
      return value.map(v -> ", original " + v + " recorded").orElse(", original removed");
    }
  }

  /**
   * A Deployment or StatefulSet scaled to {@code replicas}.
   *
   * @param ref the workload
   * @param replicas its {@code spec.replicas} after the step
   * @param marker what the step does to its marker annotation
   */
  record Scaled(Ref ref, int replicas, Marker marker) implements ClusterEffect {
    @Override
    public String line() {
      return ref.id() + ": replicas " + replicas + marker.describe();
    }
  }

  /**
   * A CronJob or Job whose {@code spec.suspend} is set to {@code suspend}.
   *
   * @param ref the workload
   * @param suspend its {@code spec.suspend} after the step
   * @param marker what the step does to its marker annotation
   */
  record Suspended(Ref ref, boolean suspend, Marker marker) implements ClusterEffect {
    @Override
    public String line() {
      return ref.id() + ": suspend " + suspend + marker.describe();
    }
  }

  /**
   * The running pods of a workload gone (scaled to 0, or a suspended Job): those its selector
   * matches in its namespace, finished ones aside, which stay, as {@link PodsGone} counts. A
   * selector rather than names, so pods started between the preview and the run go too.
   *
   * @param namespace where they run
   * @param selector the workload's pod selector
   * @param owner what users read of the workload ({@code StatefulSet data/postgres})
   */
  record PodsGone(String namespace, V1LabelSelector selector, String owner)
      implements ClusterEffect {
    @Override
    public String line() {
      return "pods of " + owner + " gone";
    }
  }

  /**
   * Pods evicted or deleted by name.
   *
   * @param pods each as {@code ns/name}
   */
  record PodsRemoved(List<String> pods) implements ClusterEffect {
    public PodsRemoved {
      pods = List.copyOf(pods);
    }

    @Override
    public String line() {
      return named("pods removed", pods);
    }
  }

  /**
   * Pods that will start, whose names do not exist yet: replacements of evicted pods, a woken
   * workload's.
   *
   * @param namespace where they start
   * @param owner what users read of their owner ({@code ReplicaSet shop/api-7f9})
   * @param labels the labels they start with, which a later {@link PodsGone}'s selector matches
   * @param count how many
   */
  record PodsStarting(String namespace, String owner, Map<String, String> labels, int count)
      implements ClusterEffect {
    public PodsStarting {
      labels = Map.copyOf(labels);
    }

    @Override
    public String line() {
      return count + " pods of " + owner + " starting";
    }
  }

  /**
   * Nodes marked unschedulable.
   *
   * @param nodes their names
   */
  record NodesCordoned(List<String> nodes) implements ClusterEffect {
    public NodesCordoned {
      nodes = List.copyOf(nodes);
    }

    @Override
    public String line() {
      return named("nodes cordoned", nodes);
    }
  }

  /**
   * Nodes gone, with their pods: named, or every node of a node group, or every node of an
   * instance.
   *
   * @param nodes the names of the nodes gone
   * @param groups managed node groups whose nodes ({@code eks.amazonaws.com/nodegroup}) are gone
   * @param instanceIds EC2 instances whose nodes ({@code spec.providerID}) are gone
   * @param notExactBecause why the nodes may still be there when a later step reads them, if they
   *     may
   */
  record NodesGone(
      List<String> nodes,
      List<String> groups,
      List<String> instanceIds,
      Optional<String> notExactBecause)
      implements ClusterEffect {
    public NodesGone {
      nodes = List.copyOf(nodes);
      groups = List.copyOf(groups);
      instanceIds = List.copyOf(instanceIds);
    }

    @Override
    public String line() {
      StringBuilder out = new StringBuilder("nodes gone:");
      if (!nodes.isEmpty()) {
        out.append(" ").append(String.join(", ", nodes));
      }
      if (!groups.isEmpty()) {
        out.append(" nodes of node groups ").append(String.join(", ", groups));
      }
      if (!instanceIds.isEmpty()) {
        out.append(" nodes of instances ").append(String.join(", ", instanceIds));
      }
      return out.toString();
    }
  }

  /** {@code what: a, b, c}. */
  private static String named(String what, List<String> names) {
    return what + ": " + String.join(", ", names);
  }
}
