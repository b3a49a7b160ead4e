package io.eksscheduler.actions.kube;

import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.Effect;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cluster as the earlier steps of a dry-run will leave it: what a survey lists, with the {@link
 * ClusterEffect}s those steps predicted applied on top. In a run there are none, and every method
 * returns what it is given, so a run and a preview share every line of the surveys and decisions.
 *
 * <p>A view changes the objects it is given (they are freshly listed) and tells the context, once
 * per effect, which effects changed what it returned ({@link ActionContext#read}). Created by each
 * survey, never kept.
 */
public final class ClusterView {
  private final List<ClusterEffect> effects;
  private final Consumer<Effect> read;
  private final Set<ClusterEffect> used = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * A view of {@code predicted} (effects that are not the cluster's are ignored), telling {@code
   * read} which of them changed what it returned.
   */
  public ClusterView(List<? extends Effect> predicted, Consumer<Effect> read) {
    List<ClusterEffect> ours = new ArrayList<>();
    for (Effect e : predicted) {
      if (e instanceof ClusterEffect c) {
        ours.add(c);
      }
    }
    this.effects = List.copyOf(ours);
    this.read = read;
  }

  /** The view of what the earlier steps of {@code ctx}'s dry-run predicted; identity in a run. */
  public static ClusterView of(ActionContext ctx) {
    return new ClusterView(ctx.predicted(), ctx::read);
  }

  /**
   * The pods of {@code pods} still there: without those removed by name, the running pods of
   * workloads whose pods are gone, and the pods of nodes gone by name. Finished pods of a workload
   * stay, as they do in the cluster.
   */
  public List<V1Pod> pods(List<V1Pod> pods) {
    if (effects.isEmpty()) {
      return pods;
    }
    List<V1Pod> out = new ArrayList<>();
    for (V1Pod pod : pods) {
      if (!gone(pod)) {
        out.add(pod);
      }
    }
    return out;
  }

  private boolean gone(V1Pod pod) {
    for (ClusterEffect e : effects) {
      if (removes(e, pod)) {
        use(e);
        return true;
      }
    }
    return false;
  }

  private static boolean removes(ClusterEffect e, V1Pod pod) {
    V1ObjectMeta meta = pod.getMetadata();
    if (e instanceof ClusterEffect.PodsRemoved r) {
      return r.pods().contains(Names.of(meta));
    }
    if (e instanceof ClusterEffect.PodsGone g) {
      return g.namespace().equals(meta.getNamespace())
          && !NodePods.finished(pod)
          && Selectors.matches(g.selector(), meta.getLabels());
    }
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return e instanceof ClusterEffect.NodesGone n && node != null && n.nodes().contains(node);
  }

  /**
   * The nodes of {@code nodes} still there, those cordoned marked unschedulable: without the nodes
   * gone by name, by their managed node group's label or by their instance.
   */
  public List<V1Node> nodes(List<V1Node> nodes) {
    if (effects.isEmpty()) {
      return nodes;
    }
    List<V1Node> out = new ArrayList<>();
    for (V1Node node : nodes) {
      if (!gone(node)) {
        cordon(node);
        out.add(node);
      }
    }
    return out;
  }

  private boolean gone(V1Node node) {
    String name = node.getMetadata().getName();
    Map<String, String> labels = node.getMetadata().getLabels();
    String group = labels == null ? null : labels.get(Nodes.NODEGROUP_LABEL);
    String instance = Nodes.instanceId(node);
    for (ClusterEffect e : effects) {
      if (e instanceof ClusterEffect.NodesGone n
          && (n.nodes().contains(name)
              || (group != null && n.groups().contains(group))
              || (instance != null && n.instanceIds().contains(instance)))) {
        use(e);
        return true;
      }
    }
    return false;
  }

  private void cordon(V1Node node) {
    if (Nodes.cordoned(node)) {
      return;
    }
    for (ClusterEffect e : effects) {
      if (e instanceof ClusterEffect.NodesCordoned c
          && c.nodes().contains(node.getMetadata().getName())) {
        if (node.getSpec() == null) {
          node.setSpec(new V1NodeSpec());
        }
        node.getSpec().setUnschedulable(true);
        use(e);
        return;
      }
    }
  }

  /**
   * {@code workload} (a Deployment, StatefulSet, CronJob or Job) with the replicas, suspension and
   * marker annotation the earlier steps leave it with, the last of them winning.
   */
  public <T extends KubernetesObject> T workload(T workload) {
    ClusterEffect.Ref ref = ref(workload);
    for (ClusterEffect e : effects) {
      if (e instanceof ClusterEffect.Scaled s && s.ref().equals(ref)) {
        if (workload instanceof V1Deployment d) {
          d.getSpec().setReplicas(s.replicas());
        } else if (workload instanceof V1StatefulSet st) {
          st.getSpec().setReplicas(s.replicas());
        }
        mark(workload.getMetadata(), s.marker());
        use(e);
      } else if (e instanceof ClusterEffect.Suspended s && s.ref().equals(ref)) {
        if (workload instanceof V1CronJob c) {
          c.getSpec().setSuspend(s.suspend());
        } else if (workload instanceof V1Job j) {
          j.getSpec().setSuspend(s.suspend());
        }
        mark(workload.getMetadata(), s.marker());
        use(e);
      }
    }
    return workload;
  }

  /** The reference of a workload; items of a list carry no kind, so its type says it. */
  private static ClusterEffect.Ref ref(KubernetesObject workload) {
    String kind;
    if (workload instanceof V1Deployment) {
      kind = "Deployment";
    } else if (workload instanceof V1StatefulSet) {
      kind = "StatefulSet";
    } else if (workload instanceof V1CronJob) {
      kind = "CronJob";
    } else if (workload instanceof V1Job) {
      kind = "Job";
    } else {
      throw new IllegalArgumentException("not a workload: " + workload.getClass().getSimpleName());
    }
    V1ObjectMeta meta = workload.getMetadata();
    return new ClusterEffect.Ref(kind, meta.getNamespace(), meta.getName());
  }

  private static void mark(V1ObjectMeta meta, ClusterEffect.Marker marker) {
    if (!marker.touched()) {
      return;
    }
    Map<String, String> annotations =
        new HashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
    marker
        .value()
        .ifPresentOrElse(
            v -> annotations.put(Originals.ANNOTATION, v),
            () -> annotations.remove(Originals.ANNOTATION));
    meta.setAnnotations(annotations);
  }

  /**
   * Why what this view returned may differ from what the run will read, for the plan's inexact
   * outputs: nodes it dropped that may still be there by then, and pods that start during the run
   * (their names and nodes are not known yet) while one of {@code nodes} could still take them.
   */
  public List<String> unknowns(List<V1Node> nodes) {
    List<String> out = new ArrayList<>();
    for (ClusterEffect e : effects) {
      if (e instanceof ClusterEffect.NodesGone n && used.contains(n)) {
        n.notExactBecause().ifPresent(out::add);
      }
    }
    if (nodes.stream().allMatch(Nodes::cordoned)) {
      return List.copyOf(out);
    }
    for (int i = 0; i < effects.size(); i++) {
      if (effects.get(i) instanceof ClusterEffect.PodsStarting s && !stopsLater(s, i)) {
        use(s);
        out.add(
            s.count() + " pods of " + s.owner() + " start during the run, on nodes not known yet");
      }
    }
    return List.copyOf(out);
  }

  /** True when a later effect makes the pods {@code starting} would start go again. */
  private boolean stopsLater(ClusterEffect.PodsStarting starting, int index) {
    for (ClusterEffect e : effects.subList(index + 1, effects.size())) {
      if (e instanceof ClusterEffect.PodsGone g
          && g.namespace().equals(starting.namespace())
          && Selectors.matches(g.selector(), starting.labels())) {
        return true;
      }
    }
    return false;
  }

  private void use(ClusterEffect e) {
    if (used.add(e)) {
      read.accept(e);
    }
  }
}
