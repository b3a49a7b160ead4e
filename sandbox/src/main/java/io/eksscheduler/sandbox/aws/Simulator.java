package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.AsgTag;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import io.eksscheduler.sandbox.aws.SimulatedAws.Instance;
import io.eksscheduler.sandbox.scenario.NodeGroup;
import io.eksscheduler.sandbox.scenario.SimulatedNodes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The simulated AWS account's state machine: the EKS cluster, its node groups and every Auto
 * Scaling group with its instances. API calls and the reconcile loop mutate it under one lock, and
 * each change is written to disk before the call returns.
 */
public final class Simulator {

  /** Auto Scaling's process names (SuspendProcesses). */
  public static final List<String> PROCESSES =
      List.of(
          "Launch",
          "Terminate",
          "AddToLoadBalancer",
          "AlarmNotification",
          "AZRebalance",
          "HealthCheck",
          "InstanceRefresh",
          "ReplaceUnhealthy",
          "ScheduledActions");

  private final SimulatorConfig config;
  private final StateStore store;
  private final Clock clock;
  private final SimulatedAws state;

  public Simulator(SimulatorConfig config, StateStore store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.state = store.read().orElseGet(this::initial);
    store.write(state);
  }

  public SimulatorConfig config() {
    return config;
  }

  /** Runs {@code change} under the lock and persists the state afterwards. */
  public synchronized <T> T mutate(Function<SimulatedAws, T> change) {
    T result = change.apply(state);
    store.write(state);
    return result;
  }

  /** Runs {@code query} under the lock without persisting. */
  public synchronized <T> T read(Function<SimulatedAws, T> query) {
    return query.apply(state);
  }

  private SimulatedAws initial() {
    SimulatedAws s = new SimulatedAws();
    long now = clock.millis();
    s.clusterCreatedAt = now;
    s.clusterTags.putAll(config.clusterTags());
    s.evictionTimeoutMillis = config.evictionTimeoutMillis();
    for (int g = 0; g < config.nodeGroups().size(); g++) {
      NodeGroup spec = config.nodeGroups().get(g);
      Group group = Groups.named(config, spec.name(), spec.managed(), g);
      if (spec.managed() && spec.launchTemplate()) {
        group.launchTemplateName = config.clusterName() + "-" + spec.name();
      }
      group.mixedInstanceTypes.addAll(spec.mixedInstanceTypes());
      group.minSize = spec.minSize();
      group.maxSize = spec.maxSize();
      group.desiredCapacity = spec.count();
      group.zones.addAll(spec.zones());
      for (int z = 0; z < spec.zones().size(); z++) {
        group.subnets.put(
            spec.zones().get(z),
            "subnet-0"
                + String.format(
                    "%016x", (long) (spec.zones().get(z) + g).hashCode() & 0xffffffffL));
      }
      group.instanceType = spec.instanceType();
      group.capacityType = spec.capacityType();
      group.labels.putAll(spec.labels());
      for (NodeGroup.Taint t : spec.taints()) {
        group.taints.add(
            new SimulatedAws.Taint(t.key(), t.value(), EksNames.taintEffectToApi(t.effect())));
      }
      group.createdAt = now;
      group.modifiedAt = now;
      if (spec.managed()) {
        group.nodegroupTags.putAll(spec.tags());
      } else {
        spec.tags().forEach((k, v) -> group.asgTags.add(new AsgTag(k, v, true)));
      }
      group.asgTags.sort(java.util.Comparator.comparing(t -> t.key));
      // The scenario's nodes exist from the start: they were launched before the sandbox began.
      for (String zone : ZoneBalance.launchZones(group.zones, List.of(), spec.count())) {
        Instance instance = launch(s, group, g, zone, now);
        instance.readyAt = now;
        group.instances.add(instance);
      }
      s.groups.add(group);
    }
    return s;
  }

  /** A new Pending instance of {@code group} in {@code zone}, with a free address. */
  private Instance launch(SimulatedAws s, Group group, int groupIndex, String zone, long now) {
    Set<String> used = new HashSet<>();
    for (Group g : s.groups) {
      g.instances.forEach(i -> used.add(i.internalIp));
    }
    group.instances.forEach(i -> used.add(i.internalIp));
    s.updates.values().stream()
        .filter(u -> group.name.equals(u.nodegroupName) && u.status.equals("InProgress"))
        .forEach(u -> used.addAll(u.replacingAddresses));
    int zoneIndex = group.zones.indexOf(zone);
    String ip = null;
    for (int host = 0; host < 240; host++) {
      String candidate = SimulatedNodes.internalIp(groupIndex, zoneIndex, host);
      if (!used.contains(candidate)) {
        ip = candidate;
        break;
      }
    }
    if (ip == null) {
      throw new IllegalStateException(
          "no free address left in the subnet of " + group.name + " in " + zone);
    }
    Instance instance = new Instance();
    instance.instanceId = "i-0" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    instance.zone = zone;
    instance.internalIp = ip;
    instance.nodeName =
        new SimulatedNodes.Placement(zone, ip, instance.instanceId).nodeName(config.region());
    instance.lifecycleState = SimulatedAws.PENDING;
    instance.launchedAt = now;
    instance.readyAt = now + config.scaled(config.launchDelayMillis());
    return instance;
  }

  /** The scenario's spec of a group it starts with (instance type, labels at up, ...). */
  public Optional<NodeGroup> spec(String groupName) {
    return config.nodeGroups().stream().filter(g -> g.name().equals(groupName)).findFirst();
  }

  /** What the reconcile loop must do in Kubernetes now. */
  public record Work(
      List<Map.Entry<String, Instance>> nodesToCreate,
      List<Map.Entry<String, Instance>> nodesToDrain,
      List<Map.Entry<String, Instance>> nodesToTerminate) {}

  /**
   * Advances every group to its desired capacity (launching, choosing instances to terminate,
   * rebalancing zones) as far as suspended processes allow, settles finished updates, and returns
   * the Kubernetes work due now.
   */
  public synchronized Work step() {
    long now = clock.millis();
    boolean changed = false;
    List<Map.Entry<String, Instance>> create = new ArrayList<>();
    List<Map.Entry<String, Instance>> drain = new ArrayList<>();
    List<Map.Entry<String, Instance>> terminate = new ArrayList<>();
    for (int g = 0; g < state.groups.size(); g++) {
      Group group = state.groups.get(g);
      List<Instance> live = live(group);
      // A VersionUpdate's surge raises the backing group's desired size (EKS's scale-up phase).
      int desired = group.desiredCapacity + group.surge;
      int index = Groups.subnetIndex(state, group);
      boolean launchOn = !group.suspendedProcesses.containsKey("Launch");
      boolean terminateOn = !group.suspendedProcesses.containsKey("Terminate");
      if (live.size() < desired && launchOn) {
        for (String zone : ZoneBalance.launchZones(group.zones, live, desired - live.size())) {
          group.instances.add(launch(state, group, index, zone, now));
        }
        changed = true;
      } else if (live.size() > desired && terminateOn) {
        for (Instance victim : ZoneBalance.toTerminate(group.zones, live, live.size() - desired)) {
          startTermination(group, victim, now);
          changed = true;
        }
      } else if (live.size() == desired
          && !Groups.busy(state, group)
          && launchOn
          && terminateOn
          && !group.suspendedProcesses.containsKey("AZRebalance")
          && live.stream().allMatch(i -> i.lifecycleState.equals(SimulatedAws.IN_SERVICE))) {
        Optional<Map.Entry<Instance, String>> move = ZoneBalance.rebalance(group.zones, live);
        if (move.isPresent()) {
          group.instances.add(launch(state, group, index, move.get().getValue(), now));
          startTermination(group, move.get().getKey(), now);
          changed = true;
        }
      }
      for (Instance i : group.instances) {
        if (i.lifecycleState.equals(SimulatedAws.PENDING) && i.readyAt <= now) {
          create.add(Map.entry(group.name, i));
        } else if (i.lifecycleState.equals(SimulatedAws.TERMINATING)) {
          (i.terminateAt <= now ? terminate : drain).add(Map.entry(group.name, i));
        }
      }
    }
    changed |= EksRollouts.advance(this, state, now);
    changed |= settleUpdates(now);
    changed |= EksNodegroups.settle(this, state, now);
    if (changed) {
      store.write(state);
    }
    return new Work(create, drain, terminate);
  }

  /**
   * Starts to terminate {@code victim}: EKS drains a managed node for up to 15 minutes (the
   * eviction limit), then terminates it regardless of PDBs; a self-managed group's ASG terminates
   * at once (no lifecycle hook in the sandbox).
   */
  void startTermination(Group group, Instance victim, long now) {
    startTermination(victim, group.managed ? state.evictionTimeoutMillis : 0, now);
  }

  /** Starts to terminate {@code victim} after draining it for up to {@code simulatedMillis}. */
  void startTermination(Instance victim, long simulatedMillis, long now) {
    victim.lifecycleState = SimulatedAws.TERMINATING;
    victim.terminateAt = now + config.scaled(simulatedMillis);
  }

  /** Instances counted towards the desired capacity: Pending and InService. */
  static List<Instance> live(Group group) {
    return group.instances.stream()
        .filter(i -> !i.lifecycleState.equals(SimulatedAws.TERMINATING))
        .toList();
  }

  private boolean settleUpdates(long now) {
    return EksUpdates.settle(state, now);
  }

  /** Records that the instances' Nodes now exist: they are InService (one write of the state). */
  public synchronized void nodesCreated(List<String> instanceIds) {
    boolean changed = false;
    for (String id : instanceIds) {
      Optional<Instance> pending =
          findInstance(id).filter(i -> i.lifecycleState.equals(SimulatedAws.PENDING));
      if (pending.isPresent()) {
        pending.get().lifecycleState = SimulatedAws.IN_SERVICE;
        changed = true;
      }
    }
    if (changed) {
      settleUpdates(clock.millis());
      store.write(state);
    }
  }

  /** A drained managed node is terminated without waiting for the eviction deadline. */
  public synchronized void drained(String instanceId) {
    findInstance(instanceId)
        .ifPresent(
            i -> {
              if (i.lifecycleState.equals(SimulatedAws.TERMINATING)
                  && i.terminateAt > clock.millis()) {
                i.terminateAt = clock.millis();
                i.drained = true;
                store.write(state);
              }
            });
  }

  /**
   * Removes a terminated instance (its Node and pods are gone); a managed one that was not drained
   * in time is counted in {@link SimulatedAws#terminatedPastEvictionLimit}.
   */
  public synchronized void terminated(String instanceId) {
    for (Group g : state.groups) {
      if (g.managed
          && g.instances.stream().anyMatch(i -> i.instanceId.equals(instanceId) && !i.drained)) {
        state.terminatedPastEvictionLimit++;
      }
      if (g.instances.removeIf(i -> i.instanceId.equals(instanceId))) {
        settleUpdates(clock.millis());
        store.write(state);
        return;
      }
    }
  }

  private Optional<Instance> findInstance(String instanceId) {
    return state.groups.stream()
        .flatMap(g -> g.instances.stream())
        .filter(i -> i.instanceId.equals(instanceId))
        .findFirst();
  }

  /** The group named {@code name} (node group name), under the lock. */
  Optional<Group> group(String name) {
    return state.groups.stream().filter(g -> g.name.equals(name)).findFirst();
  }

  /** Current time of the simulator's clock. */
  public long now() {
    return clock.millis();
  }
}
