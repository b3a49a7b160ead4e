package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import io.eksscheduler.sandbox.aws.SimulatedAws.Instance;
import io.eksscheduler.sandbox.scenario.InstanceTypes;
import io.eksscheduler.sandbox.scenario.NodeGroup;
import io.eksscheduler.sandbox.scenario.SimulatedNodes;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Eviction;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Makes Kubernetes follow the simulated instances: a launched instance's Node is created once its
 * launch delay has passed; a managed node chosen for scale-in is cordoned and its pods evicted
 * through the Eviction API (PDBs respected) until it is empty or its eviction deadline passes; a
 * terminated instance's Node is deleted and its pods force-deleted, as the pod garbage collector
 * would (its own pass waits 40 s and more, too slow for tests at speed 10).
 */
public final class NodeReconciler implements Runnable {

  /**
   * The User-Agent of its Kubernetes requests: it acts as EKS and the EC2 instances do, with the
   * admin's credentials, and the audit log tells its requests from the tool's by this.
   */
  public static final String USER_AGENT = "eks-sandbox-node-reconciler";

  private static final long TICK_MILLIS = 200;
  private static final long EVICTION_RETRY_MILLIS = 1000;
  private static final int JOINS_AT_ONCE = 8;

  private final Simulator simulator;
  private final ApiClient admin;
  private final CoreV1Api core;
  private final Consumer<String> log;
  private final Map<String, Long> lastEviction = new ConcurrentHashMap<>();
  private final ExecutorService joiners =
      Executors.newFixedThreadPool(
          JOINS_AT_ONCE,
          r -> {
            Thread t = new Thread(r, "node-join");
            t.setDaemon(true);
            return t;
          });

  public NodeReconciler(Simulator simulator, ApiClient admin, Consumer<String> log) {
    this.simulator = simulator;
    this.admin = admin.setUserAgent(USER_AGENT);
    this.core = new CoreV1Api(this.admin);
    this.log = log;
  }

  @Override
  public void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        tick();
      } catch (RuntimeException e) {
        // The API server may be restarting; the next tick retries from the durable state.
        log.accept("reconcile failed, retrying: " + e.getMessage());
      }
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One pass: create due Nodes, drain and terminate what scale-in chose. */
  public void tick() {
    Simulator.Work work = simulator.step();
    if (!work.nodesToCreate().isEmpty()) {
      createNodes(work.nodesToCreate());
    }
    for (Map.Entry<String, Instance> e : work.nodesToDrain()) {
      drain(e.getValue());
    }
    for (Map.Entry<String, Instance> e : work.nodesToTerminate()) {
      terminate(e.getValue());
    }
  }

  /**
   * Instances launched together join together, as EC2 instances boot independently: their Nodes are
   * created in parallel, and the instances are marked InService in one write of the state.
   */
  private void createNodes(List<Map.Entry<String, Instance>> due) {
    List<Future<String>> joins = new ArrayList<>();
    for (Map.Entry<String, Instance> e : due) {
      joins.add(
          joiners.submit(
              () -> {
                createNode(e.getKey(), e.getValue());
                return e.getValue().instanceId;
              }));
    }
    List<String> joined = new ArrayList<>();
    RuntimeException failure = null;
    for (Future<String> join : joins) {
      try {
        joined.add(join.get());
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IllegalStateException("interrupted while creating nodes", e);
        break;
      }
    }
    simulator.nodesCreated(joined);
    if (failure != null) {
      throw failure;
    }
  }

  private void createNode(String groupName, Instance instance) {
    NodeGroup current = simulator.read(st -> currentSpec(st, groupName));
    var node =
        SimulatedNodes.node(
            simulator.config().region(),
            simulator.config().scenario(),
            current,
            new SimulatedNodes.Placement(instance.zone, instance.internalIp, instance.instanceId));
    if (simulator.read(st -> st.customAmiNodegroups.contains(groupName))) {
      node.getMetadata().getLabels().keySet().removeIf(k -> k.startsWith("eks.amazonaws.com/"));
    }
    try {
      core.createNode(node).execute();
      log.accept(
          "node "
              + node.getMetadata().getName()
              + " ("
              + instance.instanceId
              + ") joined "
              + groupName);
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw new IllegalStateException(
            "creating node "
                + node.getMetadata().getName()
                + ": HTTP "
                + e.getCode()
                + " "
                + e.getResponseBody(),
            e);
      }
    }
  }

  /**
   * The group as it is now (labels and taints of UpdateNodegroupConfig): a scenario group's nodes
   * have the scenario's capacity, a CreateNodegroup group's that of its instance type.
   */
  private NodeGroup currentSpec(SimulatedAws st, String groupName) {
    Group g = st.groups.stream().filter(x -> x.name.equals(groupName)).findFirst().orElseThrow();
    InstanceTypes.InstanceType type = InstanceTypes.find(g.instanceType).orElse(null);
    Map<String, String> capacity = type == null ? Map.of() : type.capacity();
    Map<String, String> allocatable = type == null ? Map.of() : type.allocatable();
    Optional<NodeGroup> spec = simulator.spec(groupName).filter(x -> !g.createdByApi);
    if (spec.isPresent()) {
      capacity = spec.get().capacity();
      allocatable = spec.get().allocatable();
    }
    return new NodeGroup(
        g.name,
        g.managed,
        g.minSize,
        g.desiredCapacity,
        g.maxSize,
        g.zones,
        g.instanceType,
        g.capacityType,
        capacity,
        allocatable,
        g.labels,
        g.taints.stream()
            .map(
                t ->
                    new NodeGroup.Taint(
                        t.key,
                        t.value == null ? "" : t.value,
                        EksNames.taintEffectToKubernetes(t.effect)))
            .toList(),
        Map.of());
  }

  private void drain(Instance instance) {
    long now = System.currentTimeMillis();
    Long last = lastEviction.get(instance.instanceId);
    if (last != null && now - last < EVICTION_RETRY_MILLIS) {
      return;
    }
    lastEviction.put(instance.instanceId, now);
    try {
      cordon(instance.nodeName);
      List<V1Pod> pods =
          podsOn(instance.nodeName).stream().filter(NodeReconciler::evictable).toList();
      if (pods.isEmpty()) {
        simulator.drained(instance.instanceId);
        return;
      }
      for (V1Pod pod : pods) {
        evict(pod);
      }
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        simulator.drained(instance.instanceId);
        return;
      }
      throw new IllegalStateException(
          "draining " + instance.nodeName + ": HTTP " + e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  private void cordon(String nodeName) throws ApiException {
    PatchUtils.patch(
        Object.class,
        () ->
            core.patchNode(nodeName, new V1Patch("{\"spec\":{\"unschedulable\":true}}"))
                .buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        admin);
  }

  /** DaemonSet and mirror pods stay until the node goes, as with EKS's drain. */
  static boolean evictable(V1Pod pod) {
    V1ObjectMeta meta = pod.getMetadata();
    if (meta.getDeletionTimestamp() != null) {
      return false;
    }
    if (meta.getAnnotations() != null
        && meta.getAnnotations().containsKey("kubernetes.io/config.mirror")) {
      return false;
    }
    return meta.getOwnerReferences() == null
        || meta.getOwnerReferences().stream().noneMatch(o -> "DaemonSet".equals(o.getKind()));
  }

  private void evict(V1Pod pod) throws ApiException {
    String name = pod.getMetadata().getName();
    String namespace = pod.getMetadata().getNamespace();
    // The raw call: client-java cannot read the Status the API server answers into a V1Eviction.
    int code =
        send(
            core.createNamespacedPodEviction(
                    name,
                    namespace,
                    new V1Eviction().metadata(new V1ObjectMeta().name(name).namespace(namespace)))
                .buildCall(null),
            "evicting pod " + namespace + "/" + name);
    // 429: a PDB forbids it now; 404: already gone. Both are retried or done on the next pass.
    if (code >= 300 && code != 429 && code != 404) {
      throw new ApiException(code, "evicting pod " + namespace + "/" + name);
    }
  }

  /** Executes a raw call and returns its HTTP status. */
  private static int send(okhttp3.Call call, String what) throws ApiException {
    try (okhttp3.Response response = call.execute()) {
      return response.code();
    } catch (java.io.IOException e) {
      throw new ApiException(what + ": " + e.getMessage());
    }
  }

  private List<V1Pod> podsOn(String nodeName) throws ApiException {
    return core.listPodForAllNamespaces()
        .fieldSelector("spec.nodeName=" + nodeName)
        .execute()
        .getItems();
  }

  private void terminate(Instance instance) {
    try {
      int code =
          send(
              core.deleteNode(instance.nodeName).buildCall(null),
              "deleting node " + instance.nodeName);
      if (code >= 300 && code != 404) {
        throw new ApiException(code, "deleting node " + instance.nodeName);
      }
      for (V1Pod pod : podsOn(instance.nodeName)) {
        String what =
            "deleting pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        code =
            send(
                core.deleteNamespacedPod(
                        pod.getMetadata().getName(), pod.getMetadata().getNamespace())
                    .gracePeriodSeconds(0)
                    .buildCall(null),
                what);
        if (code >= 300 && code != 404) {
          throw new ApiException(code, what);
        }
      }
    } catch (ApiException e) {
      throw new IllegalStateException(
          "terminating " + instance.nodeName + ": HTTP " + e.getCode() + " " + e.getResponseBody(),
          e);
    }
    lastEviction.remove(instance.instanceId);
    log.accept(
        "instance " + instance.instanceId + " terminated, node " + instance.nodeName + " deleted");
    simulator.terminated(instance.instanceId);
  }
}
