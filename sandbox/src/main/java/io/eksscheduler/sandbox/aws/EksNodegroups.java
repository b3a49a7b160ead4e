package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import io.eksscheduler.sandbox.aws.SimulatedAws.Instance;
import io.eksscheduler.sandbox.scenario.InstanceTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CreateNodegroup and DeleteNodegroup (botocore's eks model, the EKS API reference) and the life of
 * the groups they make: CREATING while the backing group {@code eks-<ng>-<uuid>} launches its
 * instances, whose Nodes join as any scale-out's, then ACTIVE; DELETING while its instances are
 * drained and terminated, then gone.
 */
final class EksNodegroups {

  /** The least simulated time a creation takes (the launch delay of its instances included). */
  static final Duration CREATE = Duration.ofMinutes(2);

  /**
   * How long a deletion drains each node before Auto Scaling terminates it anyway: "If the node
   * hasn't been drained after 5 minutes, Amazon EKS lets Auto Scaling continue the forced
   * termination of the instance"
   * (https://docs.aws.amazon.com/eks/latest/userguide/delete-managed-node-group.html); at most the
   * eviction limit of the settings.
   */
  static final Duration DELETE_DRAIN = Duration.ofMinutes(5);

  /**
   * The least simulated time a deletion takes once its instances are gone (the group's removal).
   */
  static final Duration DELETE = Duration.ofMinutes(1);

  /** The sizes of a group created without a scalingConfig. */
  static final ScalingRules.Sizes DEFAULT_SIZES = new ScalingRules.Sizes(1, 2, 2);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
  private static final Set<String> CAPACITY_TYPES = Set.of("ON_DEMAND", "SPOT", "CAPACITY_BLOCK");
  private static final Set<String> EFFECTS =
      Set.of("NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE");

  private final Simulator simulator;

  EksNodegroups(Simulator simulator) {
    this.simulator = simulator;
  }

  /**
   * CreateNodegroup: a new managed group, CREATING; the group an earlier request with the same
   * {@code clientRequestToken} made, if any.
   */
  Group create(SimulatedAws st, JsonNode body) {
    SimulatorConfig c = simulator.config();
    String name = body.path("nodegroupName").asText("");
    String token = body.path("clientRequestToken").asText("");
    Optional<Group> existing = st.groups.stream().filter(g -> g.name.equals(name)).findFirst();
    if (existing.isPresent()) {
      if (!token.isEmpty() && token.equals(existing.get().createToken)) {
        return existing.get();
      }
      throw new AwsError(
          409,
          "ResourceInUseException",
          "NodeGroup already exists with name " + name + " and cluster name " + c.clusterName());
    }
    if (!NAME.matcher(name).matches()) {
      throw invalid(
          "nodegroupName must be 1 to 63 letters, digits, hyphens and underscores, starting with a"
              + " letter or digit: "
              + name);
    }
    String nodeRole = body.path("nodeRole").asText("");
    if (nodeRole.isEmpty()) {
      throw invalid("nodeRole is required");
    }
    String version = body.path("version").asText(c.clusterVersion());
    if (!version.equals(c.clusterVersion())) {
      throw invalid(
          "Requested Nodegroup version "
              + version
              + " is invalid; it must match the cluster's version "
              + c.clusterVersion());
    }
    Map<String, String> subnets = subnets(st, body.path("subnets"));
    ScalingRules.Sizes sizes = sizes(body.path("scalingConfig"));
    List<String> types = new ArrayList<>();
    body.path("instanceTypes").forEach(t -> types.add(t.asText()));
    if (types.isEmpty()) {
      types.add("t3.medium");
    }
    for (String t : types) {
      if (InstanceTypes.find(t).isEmpty()) {
        throw invalid(
            "Instance type " + t + " is not one the sandbox simulates: " + InstanceTypes.names());
      }
    }
    String capacityType = body.path("capacityType").asText("ON_DEMAND");
    if (!CAPACITY_TYPES.contains(capacityType)) {
      throw invalid("capacityType must be one of " + CAPACITY_TYPES + ": " + capacityType);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    body.path("labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.forEach(
        (k, v) -> {
          if (k.isEmpty() || k.length() > 63 || v.isEmpty() || v.length() > 63) {
            throw invalid("Label keys and values must be 1 to 63 characters: " + k);
          }
        });
    List<SimulatedAws.Taint> taints = new ArrayList<>();
    for (JsonNode t : body.path("taints")) {
      String key = t.path("key").asText("");
      String value = t.path("value").asText("");
      String effect = t.path("effect").asText("");
      if (key.isEmpty() || key.length() > 63 || value.length() > 63 || !EFFECTS.contains(effect)) {
        throw invalid(
            "A taint needs a key of 1 to 63 characters, a value of at most 63 and an effect of "
                + EFFECTS);
      }
      taints.add(new SimulatedAws.Taint(key, value, effect));
    }
    Map<String, String> tags = EksTags.validated(body.path("tags"), "InvalidParameterException");
    long now = simulator.now();
    Group g = Groups.named(c, name, true, Groups.freeSubnetIndex(st));
    g.createdByApi = true;
    g.status = "CREATING";
    g.statusSince = now;
    g.createdAt = now;
    g.modifiedAt = now;
    g.createToken = token.isEmpty() ? null : token;
    g.nodeRole = nodeRole;
    g.amiType = body.path("amiType").asText("AL2023_x86_64_STANDARD");
    g.diskSize = body.path("diskSize").isInt() ? body.path("diskSize").asInt() : 20;
    g.instanceTypes = List.copyOf(types);
    g.instanceType = types.get(0);
    g.capacityType = capacityType;
    g.releaseVersion = body.path("releaseVersion").asText(c.clusterVersion() + ".0-20260601");
    g.minSize = sizes.min();
    g.desiredCapacity = sizes.desired();
    g.maxSize = sizes.max();
    g.subnets.putAll(subnets);
    g.zones.addAll(subnets.keySet());
    g.labels.putAll(labels);
    g.taints.addAll(taints);
    g.nodegroupTags.putAll(tags);
    g.asgTags.sort(java.util.Comparator.comparing(t -> t.key));
    st.groups.add(g);
    return g;
  }

  /** The zone of each subnet of {@code subnets}: one of the cluster's, else the EC2 error. */
  private static Map<String, String> subnets(SimulatedAws st, JsonNode subnets) {
    if (!subnets.isArray() || subnets.isEmpty()) {
      throw invalid("subnets must name at least one subnet");
    }
    Map<String, String> zoneOf = new LinkedHashMap<>();
    for (Group g : st.groups) {
      g.subnets.forEach((zone, subnet) -> zoneOf.putIfAbsent(subnet, zone));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode s : subnets) {
      String zone = zoneOf.get(s.asText());
      if (zone == null) {
        throw invalid("The subnet ID '" + s.asText() + "' does not exist");
      }
      out.putIfAbsent(zone, s.asText());
    }
    return out;
  }

  /**
   * A creation's sizes: all three or none ("When creating a node group, you must specify all or
   * none of the properties", NodegroupScalingConfig), by the rules of UpdateNodegroupConfig.
   */
  static ScalingRules.Sizes sizes(JsonNode scaling) {
    List<String> fields = List.of("minSize", "desiredSize", "maxSize");
    long given = fields.stream().filter(f -> scaling.path(f).isNumber()).count();
    if (given == 0) {
      return DEFAULT_SIZES;
    }
    if (given < 3) {
      throw invalid("scalingConfig must give minSize, maxSize and desiredSize, or none of them");
    }
    return ScalingRules.eksScaling(
        DEFAULT_SIZES,
        Optional.of(scaling.path("minSize").asInt()),
        Optional.of(scaling.path("desiredSize").asInt()),
        Optional.of(scaling.path("maxSize").asInt()));
  }

  /**
   * DeleteNodegroup: the group turns DELETING, its backing group's sizes go to zero and each
   * instance is drained for up to {@link #DELETE_DRAIN}, then terminated. Refused while it is
   * created, deleted or updated.
   */
  Group delete(SimulatedAws st, Group g) {
    if (Groups.busy(st, g)) {
      throw new AwsError(
          409,
          "ResourceInUseException",
          "Nodegroup "
              + g.name
              + " cannot be deleted as it is currently "
              + (g.status != null ? g.status : "UPDATING"));
    }
    long now = simulator.now();
    g.status = "DELETING";
    g.statusSince = now;
    g.modifiedAt = now;
    g.minSize = 0;
    g.desiredCapacity = 0;
    g.maxSize = 0;
    long drain = Math.min(DELETE_DRAIN.toMillis(), st.evictionTimeoutMillis);
    for (Instance i : Simulator.live(g)) {
      simulator.startTermination(i, drain, now);
    }
    return g;
  }

  /**
   * Ends the creations and deletions that are done: a CREATING group with its instances InService
   * at the desired count and {@link #CREATE} past is ACTIVE; a DELETING group without instances and
   * {@link #DELETE} past is removed, with its updates. True when one changed.
   */
  static boolean settle(Simulator simulator, SimulatedAws state, long now) {
    SimulatorConfig c = simulator.config();
    boolean changed = false;
    for (Group g : List.copyOf(state.groups)) {
      if ("CREATING".equals(g.status)
          && Simulator.live(g).size() == g.desiredCapacity
          && g.instances.stream().allMatch(i -> i.lifecycleState.equals(SimulatedAws.IN_SERVICE))
          && now >= g.statusSince + c.scaled(CREATE.toMillis())) {
        g.status = null;
        g.modifiedAt = now;
        changed = true;
      } else if ("DELETING".equals(g.status)
          && g.instances.isEmpty()
          && now >= g.statusSince + c.scaled(DELETE.toMillis())) {
        state.groups.remove(g);
        state.updates.values().removeIf(u -> g.name.equals(u.nodegroupName));
        changed = true;
      }
    }
    return changed;
  }

  private static AwsError invalid(String message) {
    return new AwsError(400, "InvalidParameterException", message);
  }
}
