package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses the calls an identity's IAM policy does not allow, with the error AWS answers. Each
 * operation is authorized as the service authorization reference defines it: the action named after
 * the operation, on the resource it acts on (the cluster, node group or Auto Scaling group ARN;
 * {@code *} for actions without resource-level permissions), with that resource's tags as {@code
 * aws:ResourceTag/KEY} (and {@code autoscaling:ResourceTag/KEY}), and a tagging request's tags as
 * {@code aws:RequestTag/KEY} and {@code aws:TagKeys}. Of STS, only AssumeRole is authorized ({@code
 * sts:AssumeRole} on the role's ARN): GetCallerIdentity needs no permission on AWS either.
 */
final class IamAuthorizer {

  /** One resource a call acts on, with the condition keys IAM knows for it. */
  record Target(String resource, Map<String, List<String>> context) {}

  /** What a call asks IAM: an action on one or more resources. */
  record Request(String action, List<Target> targets) {

    /** An action without resource-level permissions: asked of {@code "*"}. */
    static Request anyResource(String action) {
      return new Request(action, List.of(new Target("*", Map.of())));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Simulator simulator;
  private final Simulator policies;

  IamAuthorizer(Simulator simulator) {
    this(simulator, simulator);
  }

  /** Resources of {@code simulator}'s cluster, the account's policies kept by {@code policies}. */
  IamAuthorizer(Simulator simulator, Simulator policies) {
    this.simulator = simulator;
    this.policies = policies;
  }

  /**
   * Throws the service's access-denied error unless {@code caller}'s policy allows {@code request}
   * on each of its resources; an identity without a policy is allowed everything.
   */
  void authorize(AwsIdentity caller, String service, Request request) {
    String document = policies.read(st -> st.policies.get(caller.name()));
    if (document == null) {
      return;
    }
    IamPolicy policy = IamPolicy.parse(document);
    for (Target t : request.targets()) {
      IamPolicy.Decision d = policy.evaluate(request.action(), t.resource(), t.context());
      if (d != IamPolicy.Decision.ALLOW) {
        String message = denial(caller.arn(), request.action(), t.resource(), d);
        throw switch (service) {
          case "eks" -> new AwsError(403, "AccessDeniedException", message);
          // EC2's code, its message prefixed as EC2 prefixes it.
          case "ec2" ->
              new AwsError(
                  403,
                  "UnauthorizedOperation",
                  "You are not authorized to perform this operation. " + message);
          default -> new AwsError(403, "AccessDenied", message);
        };
      }
    }
  }

  /**
   * AWS's message for a refused call; the resource is left out for actions without resource-level
   * permissions, as AWS does.
   */
  static String denial(String arn, String action, String resource, IamPolicy.Decision decision) {
    return "User: "
        + arn
        + " is not authorized to perform: "
        + action
        + (resource.equals("*") ? "" : " on resource: " + resource)
        + (decision == IamPolicy.Decision.EXPLICIT_DENY
            ? " with an explicit deny in an identity-based policy"
            : " because no identity-based policy allows the " + action + " action");
  }

  /** The IAM request of an EKS call. */
  Request eks(EksApi.Route route, AwsRequest request) {
    List<String> s = route.segments();
    Optional<String> nodegroup =
        Optional.ofNullable(request.query().get("nodegroupName")).map(v -> v.get(0));
    String action = "eks:" + route.operation();
    return simulator.read(
        st ->
            switch (route.operation()) {
              case "ListClusters" -> Request.anyResource(action);
              case "DescribeCluster", "ListNodegroups" ->
                  new Request(action, List.of(cluster(st, s.get(1))));
              // The Service Authorization Reference: CreateNodegroup's resource is "cluster*", with
              // aws:RequestTag and aws:TagKeys; DeleteNodegroup's "nodegroup*".
              case "CreateNodegroup" ->
                  new Request(
                      action,
                      List.of(
                          withRequestTags(cluster(st, s.get(1)), bodyTags(request.bodyText()))));
              case "DescribeNodegroup",
                  "UpdateNodegroupConfig",
                  "UpdateNodegroupVersion",
                  "DeleteNodegroup" ->
                  new Request(action, List.of(nodegroup(st, s.get(1), s.get(3))));
              // The Service Authorization Reference gives both "cluster*" (required) and an
              // optional "nodegroup" (or addon, capability): the cluster always, and the node
              // group too when the update is one's
              // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html).
              case "ListUpdates", "DescribeUpdate" ->
                  new Request(
                      action,
                      nodegroup.isPresent()
                          ? List.of(cluster(st, s.get(1)), nodegroup(st, s.get(1), nodegroup.get()))
                          : List.of(cluster(st, s.get(1))));
              case "ListTagsForResource" -> new Request(action, List.of(byArn(st, s.get(1))));
              case "TagResource" ->
                  new Request(
                      action,
                      List.of(withRequestTags(byArn(st, s.get(1)), bodyTags(request.bodyText()))));
              case "UntagResource" ->
                  new Request(
                      action,
                      List.of(
                          withTagKeys(
                              byArn(st, s.get(1)),
                              request.query().getOrDefault("tagKeys", List.of()))));
              default -> throw new IllegalStateException("unrouted " + route.operation());
            });
  }

  /** The IAM request of an Auto Scaling call. */
  Request autoscaling(String operation, Map<String, String> form) {
    String action = "autoscaling:" + operation;
    return simulator.read(
        st ->
            switch (operation) {
              case "DescribeAutoScalingGroups", "DescribeTags" -> Request.anyResource(action);
              case "CreateOrUpdateTags", "DeleteTags" -> {
                List<Map<String, String>> tags = FormParameters.structures(form, "Tags");
                Map<String, String> requested = new LinkedHashMap<>();
                Set<String> groups = new LinkedHashSet<>();
                for (Map<String, String> t : tags) {
                  requested.put(t.getOrDefault("Key", ""), t.getOrDefault("Value", ""));
                  groups.add(t.getOrDefault("ResourceId", ""));
                }
                List<Target> targets = new ArrayList<>();
                for (String g : groups) {
                  Target group = autoScalingGroup(st, g);
                  targets.add(
                      operation.equals("CreateOrUpdateTags")
                          ? withRequestTags(group, requested)
                          : withTagKeys(group, List.copyOf(requested.keySet())));
                }
                yield new Request(action, targets);
              }
              default ->
                  new Request(
                      action,
                      List.of(autoScalingGroup(st, form.getOrDefault("AutoScalingGroupName", ""))));
            });
  }

  private Target cluster(SimulatedAws st, String name) {
    SimulatorConfig c = simulator.config();
    String arn = "arn:aws:eks:" + c.region() + ":" + c.accountId() + ":cluster/" + name;
    return new Target(
        arn, resourceTags(name.equals(c.clusterName()) ? st.clusterTags : Map.of(), false));
  }

  /**
   * A node group's target; one that does not exist is named without the UUID that ends a real node
   * group ARN (IAM decides before the service finds nothing).
   */
  private Target nodegroup(SimulatedAws st, String cluster, String name) {
    SimulatorConfig c = simulator.config();
    Optional<Group> group =
        cluster.equals(c.clusterName())
            ? st.groups.stream().filter(g -> g.managed && g.name.equals(name)).findFirst()
            : Optional.empty();
    return group
        .map(g -> new Target(g.nodegroupArn, resourceTags(g.nodegroupTags, false)))
        .orElseGet(
            () ->
                new Target(
                    "arn:aws:eks:"
                        + c.region()
                        + ":"
                        + c.accountId()
                        + ":nodegroup/"
                        + cluster
                        + "/"
                        + name
                        + "/*",
                    Map.of()));
  }

  private Target byArn(SimulatedAws st, String arn) {
    if (arn.equals(simulator.config().clusterArn())) {
      return new Target(arn, resourceTags(st.clusterTags, false));
    }
    return st.groups.stream()
        .filter(g -> arn.equals(g.nodegroupArn))
        .findFirst()
        .map(g -> new Target(arn, resourceTags(g.nodegroupTags, false)))
        .orElseGet(() -> new Target(arn, Map.of()));
  }

  private Target autoScalingGroup(SimulatedAws st, String name) {
    SimulatorConfig c = simulator.config();
    return st.groups.stream()
        .filter(g -> g.asgName.equals(name))
        .findFirst()
        .map(
            g -> {
              Map<String, String> tags = new LinkedHashMap<>();
              g.asgTags.forEach(t -> tags.put(t.key, t.value));
              return new Target(g.asgArn, resourceTags(tags, true));
            })
        .orElseGet(
            () ->
                new Target(
                    "arn:aws:autoscaling:"
                        + c.region()
                        + ":"
                        + c.accountId()
                        + ":autoScalingGroup:*:autoScalingGroupName/"
                        + name,
                    Map.of()));
  }

  private static Map<String, List<String>> resourceTags(
      Map<String, String> tags, boolean autoscaling) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    tags.forEach(
        (k, v) -> {
          out.put("aws:ResourceTag/" + k, List.of(v));
          if (autoscaling) {
            out.put("autoscaling:ResourceTag/" + k, List.of(v));
          }
        });
    return out;
  }

  private static Target withRequestTags(Target t, Map<String, String> tags) {
    Map<String, List<String>> context = new LinkedHashMap<>(t.context());
    tags.forEach((k, v) -> context.put("aws:RequestTag/" + k, List.of(v)));
    if (!tags.isEmpty()) {
      context.put("aws:TagKeys", List.copyOf(tags.keySet()));
    }
    return new Target(t.resource(), context);
  }

  private static Target withTagKeys(Target t, List<String> keys) {
    Map<String, List<String>> context = new LinkedHashMap<>(t.context());
    if (!keys.isEmpty()) {
      context.put("aws:TagKeys", List.copyOf(keys));
    }
    return new Target(t.resource(), context);
  }

  /** The {@code tags} of a TagResource body; none when it is not readable (the API says why). */
  private static Map<String, String> bodyTags(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      JsonNode tags = JSON.readTree(body).path("tags");
      tags.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      return out;
    }
    return out;
  }
}
