package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.ClusterView;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.Names;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NodeSelectorTerm;
import io.kubernetes.client.openapi.models.V1PersistentVolume;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What must run for a woken cluster to boot, read from the cluster for the bootstrap check: one pod
 * of every DaemonSet on each node; the Deployments and StatefulSets of kube-system and of the
 * namespaces admission webhooks call (CoreDNS, webhook servers, controllers), at their recorded
 * replicas when a stop scaled them; and every StatefulSet pod whose volume is bound to a zone,
 * which can only run there.
 */
public final class CriticalPods {

  /**
   * A pod to place.
   *
   * @param owner what users read: {@code Deployment kube-system/coredns}
   * @param daemon true for a DaemonSet's pod (one per node it selects)
   * @param replicas how many such pods
   * @param milliCpu the CPU one pod requests
   * @param memoryMi the memory one pod requests
   * @param nodeSelector labels its node must carry
   * @param zones zones its node must be in, empty for any
   * @param tolerations what taints it tolerates
   */
  public record Need(
      String owner,
      boolean daemon,
      int replicas,
      long milliCpu,
      long memoryMi,
      Map<String, String> nodeSelector,
      Set<String> zones,
      List<V1Toleration> tolerations) {

    /** True when one of its tolerations matches the taint {@code key=value:effect}. */
    public boolean tolerates(String key, String value, String effect) {
      for (V1Toleration t : tolerations) {
        boolean effectOk = t.getEffect() == null || t.getEffect().equals(effect);
        boolean exists = "Exists".equals(t.getOperator());
        boolean keyOk = (exists && t.getKey() == null) || key.equals(t.getKey());
        boolean valueOk = exists || String.valueOf(value).equals(String.valueOf(t.getValue()));
        if (effectOk && keyOk && valueOk) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String ZONE = "topology.kubernetes.io/zone";

  private CriticalPods() {}

  /** The critical set of the cluster now. */
  public static List<Need> read(ActionContext ctx) throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    AppsV1Api apps = new AppsV1Api(client);
    ClusterView view = ClusterView.of(ctx);
    SleepScope scope = SleepSurvey.scope(ctx, client, null, null, false, false);
    Map<String, String> volumeZones = volumeZones(ctx, new CoreV1Api(client));
    List<Need> out = new ArrayList<>();
    for (V1DaemonSet d :
        KubeCalls.call(
                ctx, "listing DaemonSets", () -> apps.listDaemonSetForAllNamespaces().execute())
            .getItems()) {
      out.add(
          need(
              "DaemonSet " + Names.of(d.getMetadata()),
              true,
              1,
              d.getSpec().getTemplate().getSpec(),
              Set.of()));
    }
    for (V1Deployment d :
        KubeCalls.call(
                ctx, "listing Deployments", () -> apps.listDeploymentForAllNamespaces().execute())
            .getItems()) {
      String ns = d.getMetadata().getNamespace();
      if (!system(scope, ns)) {
        continue;
      }
      int replicas = replicas(Workload.of(view.workload(d)));
      if (replicas > 0) {
        out.add(
            need(
                "Deployment " + Names.of(d.getMetadata()),
                false,
                replicas,
                d.getSpec().getTemplate().getSpec(),
                Set.of()));
      }
    }
    for (V1StatefulSet s :
        KubeCalls.call(
                ctx, "listing StatefulSets", () -> apps.listStatefulSetForAllNamespaces().execute())
            .getItems()) {
      String ns = s.getMetadata().getNamespace();
      String name = s.getMetadata().getName();
      int replicas = replicas(Workload.of(view.workload(s)));
      List<String> templates = new ArrayList<>();
      if (s.getSpec().getVolumeClaimTemplates() != null) {
        s.getSpec()
            .getVolumeClaimTemplates()
            .forEach(t -> templates.add(t.getMetadata().getName()));
      }
      for (int i = 0; i < replicas; i++) {
        Set<String> zones = new LinkedHashSet<>();
        for (String t : templates) {
          Optional.ofNullable(volumeZones.get(ns + "/" + t + "-" + name + "-" + i))
              .ifPresent(zones::add);
        }
        if (!zones.isEmpty() || system(scope, ns)) {
          out.add(
              need(
                  "StatefulSet " + ns + "/" + name + (zones.isEmpty() ? "" : " (pod " + i + ")"),
                  false,
                  1,
                  s.getSpec().getTemplate().getSpec(),
                  zones));
        }
      }
    }
    return out;
  }

  private static boolean system(SleepScope scope, String ns) {
    return SleepScope.SYSTEM_NAMESPACE.equals(ns) || scope.webhookNamespaces().containsKey(ns);
  }

  /** The replicas it will run once woken: the recorded original when a stop scaled it. */
  private static int replicas(Workload w) {
    try {
      return w.recorded()
          .map(o -> o.replicas() == null ? w.replicas() : o.replicas())
          .orElse(w.replicas());
    } catch (IllegalArgumentException e) {
      return w.replicas();
    }
  }

  private static Need need(
      String owner, boolean daemon, int replicas, V1PodSpec spec, Set<String> volumeZones) {
    long cpu = 0;
    long memory = 0;
    for (V1Container c : spec.getContainers()) {
      cpu += request(c, "cpu", 1000);
      memory += request(c, "memory", 1.0 / (1024 * 1024));
    }
    if (spec.getInitContainers() != null) {
      for (V1Container c : spec.getInitContainers()) {
        cpu = Math.max(cpu, request(c, "cpu", 1000));
        memory = Math.max(memory, request(c, "memory", 1.0 / (1024 * 1024)));
      }
    }
    Map<String, String> selector = new LinkedHashMap<>();
    if (spec.getNodeSelector() != null) {
      selector.putAll(spec.getNodeSelector());
    }
    Set<String> zones = new LinkedHashSet<>(volumeZones);
    if (spec.getAffinity() != null
        && spec.getAffinity().getNodeAffinity() != null
        && spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            != null) {
      List<V1NodeSelectorTerm> terms =
          spec.getAffinity()
              .getNodeAffinity()
              .getRequiredDuringSchedulingIgnoredDuringExecution()
              .getNodeSelectorTerms();
      if (terms.size() == 1 && terms.get(0).getMatchExpressions() != null) {
        for (V1NodeSelectorRequirement r : terms.get(0).getMatchExpressions()) {
          if (!"In".equals(r.getOperator()) || r.getValues() == null) {
            continue;
          }
          if (ZONE.equals(r.getKey())) {
            if (zones.isEmpty()) {
              zones.addAll(r.getValues());
            }
          } else if (r.getValues().size() == 1) {
            selector.put(r.getKey(), r.getValues().get(0));
          }
        }
      }
    }
    return new Need(
        owner,
        daemon,
        replicas,
        cpu,
        memory,
        selector,
        zones,
        spec.getTolerations() == null ? List.of() : spec.getTolerations());
  }

  private static long request(V1Container c, String resource, double scale) {
    if (c.getResources() == null || c.getResources().getRequests() == null) {
      return 0;
    }
    Quantity q = c.getResources().getRequests().get(resource);
    if (q == null) {
      return 0;
    }
    return q.getNumber()
        .multiply(BigDecimal.valueOf(scale))
        .setScale(0, java.math.RoundingMode.CEILING)
        .longValue();
  }

  /** The zone of each bound volume, by its claim ({@code ns/claim}). */
  private static Map<String, String> volumeZones(ActionContext ctx, CoreV1Api core)
      throws ActionFailure, InterruptedException {
    Map<String, String> out = new LinkedHashMap<>();
    for (V1PersistentVolume pv :
        KubeCalls.call(
                ctx, "listing persistent volumes", () -> core.listPersistentVolume().execute())
            .getItems()) {
      if (pv.getSpec() == null || pv.getSpec().getClaimRef() == null) {
        continue;
      }
      String claim =
          pv.getSpec().getClaimRef().getNamespace() + "/" + pv.getSpec().getClaimRef().getName();
      zoneOf(pv).ifPresent(z -> out.put(claim, z));
    }
    return out;
  }

  /** A volume's zone: its zone label, else the zone term of its node affinity. */
  public static Optional<String> zoneOf(V1PersistentVolume pv) {
    Map<String, String> labels =
        pv.getMetadata().getLabels() == null ? Map.of() : pv.getMetadata().getLabels();
    if (labels.containsKey(ZONE)) {
      return Optional.of(labels.get(ZONE));
    }
    if (pv.getSpec().getNodeAffinity() != null
        && pv.getSpec().getNodeAffinity().getRequired() != null) {
      for (V1NodeSelectorTerm term :
          pv.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms()) {
        if (term.getMatchExpressions() == null) {
          continue;
        }
        for (V1NodeSelectorRequirement r : term.getMatchExpressions()) {
          if (r.getKey().endsWith("/zone")
              && "In".equals(r.getOperator())
              && r.getValues() != null
              && r.getValues().size() == 1) {
            return Optional.of(r.getValues().get(0));
          }
        }
      }
    }
    return Optional.empty();
  }
}
