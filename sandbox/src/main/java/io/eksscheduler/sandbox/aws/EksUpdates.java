package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import io.eksscheduler.sandbox.aws.SimulatedAws.Update;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * EKS's asynchronous updates of a managed node group, as the API reference describes them:
 * UpdateNodegroupConfig (a ConfigUpdate: sizes, labels, taints) and UpdateNodegroupVersion (a
 * VersionUpdate: a rolling replacement of the nodes onto a new AMI release). One update at a time:
 * while one is InProgress the group is UPDATING and another is refused with ResourceInUseException.
 * A {@code clientRequestToken} seen before returns its update again.
 */
final class EksUpdates {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Simulator simulator;

  EksUpdates(Simulator simulator) {
    this.simulator = simulator;
  }

  /**
   * The update an earlier request with the same token started, if any; else refuses an update of a
   * group that is not ACTIVE, as EKS does (ResourceInUseException), and returns empty.
   */
  private static Optional<Update> repeatedOrRefused(SimulatedAws st, Group g, JsonNode body) {
    String token = body.path("clientRequestToken").asText("");
    if (!token.isEmpty() && st.requestTokens.containsKey(token)) {
      return Optional.of(st.updates.get(st.requestTokens.get(token)));
    }
    if (Groups.busy(st, g)) {
      throw new AwsError(
          409,
          "ResourceInUseException",
          "Nodegroup cannot be updated as it is currently not in Active State");
    }
    return Optional.empty();
  }

  private Update start(SimulatedAws st, Group g, String type, JsonNode body) {
    Update u = new Update();
    u.id = UUID.randomUUID().toString();
    u.clusterName = simulator.config().clusterName();
    u.nodegroupName = g.name;
    u.status = "InProgress";
    u.type = type;
    u.createdAt = simulator.now();
    st.updates.put(u.id, u);
    String token = body.path("clientRequestToken").asText("");
    if (!token.isEmpty()) {
      st.requestTokens.put(token, u.id);
    }
    g.modifiedAt = u.createdAt;
    return u;
  }

  /** UpdateNodegroupConfig: sizes, labels and taints; settled once the instances are. */
  Update config(SimulatedAws st, Group g, JsonNode body) {
    Optional<Update> again = repeatedOrRefused(st, g, body);
    if (again.isPresent()) {
      return again.get();
    }
    JsonNode scaling = body.path("scalingConfig");
    JsonNode labels = body.path("labels");
    JsonNode taints = body.path("taints");
    if (scaling.isMissingNode()
        && labels.isMissingNode()
        && taints.isMissingNode()
        && body.path("updateConfig").isMissingNode()) {
      throw new AwsError(400, "InvalidParameterException", "No changes needed");
    }
    ScalingRules.Sizes sizes =
        ScalingRules.eksScaling(
            new ScalingRules.Sizes(g.minSize, g.desiredCapacity, g.maxSize),
            optionalInt(scaling, "minSize"),
            optionalInt(scaling, "desiredSize"),
            optionalInt(scaling, "maxSize"));
    Update u = start(st, g, "ConfigUpdate", body);
    optionalInt(scaling, "minSize").ifPresent(v -> u.params.add(param("MinSize", v.toString())));
    optionalInt(scaling, "maxSize").ifPresent(v -> u.params.add(param("MaxSize", v.toString())));
    optionalInt(scaling, "desiredSize")
        .ifPresent(v -> u.params.add(param("DesiredSize", v.toString())));
    if (labels.path("addOrUpdateLabels").isObject()) {
      u.params.add(param("LabelsToAdd", labels.path("addOrUpdateLabels").toString()));
      labels
          .path("addOrUpdateLabels")
          .fields()
          .forEachRemaining(e -> g.labels.put(e.getKey(), e.getValue().asText()));
    }
    if (labels.path("removeLabels").isArray()) {
      u.params.add(param("LabelsToRemove", labels.path("removeLabels").toString()));
      labels.path("removeLabels").forEach(k -> g.labels.remove(k.asText()));
    }
    if (taints.path("addOrUpdateTaints").isArray()) {
      u.params.add(param("TaintsToAdd", taints.path("addOrUpdateTaints").toString()));
      for (JsonNode t : taints.path("addOrUpdateTaints")) {
        g.taints.removeIf(
            x ->
                x.key.equals(t.path("key").asText()) && x.effect.equals(t.path("effect").asText()));
        g.taints.add(
            new SimulatedAws.Taint(
                t.path("key").asText(), t.path("value").asText(""), t.path("effect").asText()));
      }
    }
    if (taints.path("removeTaints").isArray()) {
      u.params.add(param("TaintsToRemove", taints.path("removeTaints").toString()));
      for (JsonNode t : taints.path("removeTaints")) {
        g.taints.removeIf(
            x ->
                x.key.equals(t.path("key").asText()) && x.effect.equals(t.path("effect").asText()));
      }
    }
    g.minSize = sizes.min();
    g.desiredCapacity = sizes.desired();
    g.maxSize = sizes.max();
    return u;
  }

  /**
   * UpdateNodegroupVersion: with or without {@code version} (EKS then updates to the cluster's
   * version; a node group may not be newer than its cluster) and {@code releaseVersion} (default:
   * the latest for that version). The group is UPDATING while {@link EksRollouts} replaces its
   * nodes.
   */
  Update version(SimulatedAws st, Group g, JsonNode body) {
    Optional<Update> again = repeatedOrRefused(st, g, body);
    if (again.isPresent()) {
      return again.get();
    }
    String clusterVersion = simulator.config().clusterVersion();
    String version = body.path("version").asText(clusterVersion);
    if (!version.equals(clusterVersion)) {
      throw new AwsError(
          400,
          "InvalidParameterException",
          "Requested Nodegroup version "
              + version
              + " is invalid; it must match the cluster's version "
              + clusterVersion);
    }
    String release = body.path("releaseVersion").asText(clusterVersion + ".0-20260601");
    Update u = start(st, g, "VersionUpdate", body);
    u.params.add(param("Version", version));
    u.params.add(param("ReleaseVersion", release));
    u.releaseVersion = release;
    EksRollouts.start(simulator.config(), g, u);
    return u;
  }

  /**
   * Ends the ConfigUpdates InProgress that are done, once their group's instances are all InService
   * at the desired count; fails one that a suspended Launch or Terminate process keeps from ending
   * (a VersionUpdate ends in {@link EksRollouts}). True when one changed.
   */
  static boolean settle(SimulatedAws state, long now) {
    boolean changed = false;
    for (Update update : state.updates.values()) {
      if (!update.status.equals("InProgress")) {
        continue;
      }
      Group group =
          state.groups.stream()
              .filter(g -> g.name.equals(update.nodegroupName))
              .findFirst()
              .orElse(null);
      if (group == null) {
        continue;
      }
      if (!"ConfigUpdate".equals(update.type)) {
        continue;
      }
      List<SimulatedAws.Instance> live = Simulator.live(group);
      boolean settled =
          live.size() == group.desiredCapacity
              && group.instances.stream()
                  .allMatch(i -> i.lifecycleState.equals(SimulatedAws.IN_SERVICE));
      if (settled) {
        update.status = "Successful";
        changed = true;
      } else if (live.size() < group.desiredCapacity
          && group.suspendedProcesses.containsKey("Launch")) {
        update.status = "Failed";
        update.errors.add(
            EksRollouts.error(
                "AsgInstanceLaunchFailures",
                "Launch is suspended on Auto Scaling group " + group.asgName,
                group));
        changed = true;
      } else if (live.size() > group.desiredCapacity
          && group.suspendedProcesses.containsKey("Terminate")) {
        update.status = "Failed";
        update.errors.add(
            EksRollouts.error(
                "OperationNotPermitted",
                "Terminate is suspended on Auto Scaling group " + group.asgName,
                group));
        changed = true;
      }
      if (changed) {
        group.modifiedAt = now;
      }
    }
    return changed;
  }

  private static Map<String, String> param(String type, String value) {
    return Map.of("type", type, "value", value);
  }

  /** An update as DescribeUpdate and the update calls answer it. */
  static ObjectNode render(Update u) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", u.id);
    out.put("status", u.status);
    out.put("type", u.type);
    ArrayNode params = out.putArray("params");
    u.params.forEach(
        p -> params.addObject().put("type", p.get("type")).put("value", p.get("value")));
    out.put("createdAt", u.createdAt / 1000.0);
    out.set("errors", JSON.valueToTree(u.errors));
    return out;
  }

  private static Optional<Integer> optionalInt(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isNumber() ? Optional.of(v.asInt()) : Optional.empty();
  }
}
