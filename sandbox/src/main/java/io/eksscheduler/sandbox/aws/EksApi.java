package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import io.eksscheduler.sandbox.aws.SimulatedAws.Update;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EKS API (rest-json, 2017-11-01) for the sandbox's one cluster: clusters, node groups (their
 * creation and deletion too), asynchronous node group updates, and tags. Paths, members and error
 * types are those of the service model that the SDKs are generated from.
 */
public final class EksApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An operation recognised from the method and path. */
  public record Route(String operation, boolean mutating, List<String> segments) {}

  private final Simulator simulator;
  private final EksUpdates updates;
  private final EksNodegroups nodegroups;

  public EksApi(Simulator simulator) {
    this.simulator = simulator;
    this.updates = new EksUpdates(simulator);
    this.nodegroups = new EksNodegroups(simulator);
  }

  /** The operation for {@code method path}, or empty for a path EKS does not have. */
  public static Optional<Route> route(String method, String rawPath) {
    List<String> s = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        s.add(SigV4.percentDecode(part));
      }
    }
    int n = s.size();
    String op = null;
    boolean mutating = false;
    if (n >= 1 && s.get(0).equals("clusters")) {
      if (n == 1 && method.equals("GET")) {
        op = "ListClusters";
      } else if (n == 2 && method.equals("GET")) {
        op = "DescribeCluster";
      } else if (n == 3 && s.get(2).equals("node-groups") && method.equals("GET")) {
        op = "ListNodegroups";
      } else if (n == 3 && s.get(2).equals("node-groups") && method.equals("POST")) {
        op = "CreateNodegroup";
        mutating = true;
      } else if (n == 4 && s.get(2).equals("node-groups") && method.equals("GET")) {
        op = "DescribeNodegroup";
      } else if (n == 4 && s.get(2).equals("node-groups") && method.equals("DELETE")) {
        op = "DeleteNodegroup";
        mutating = true;
      } else if (n == 5
          && s.get(2).equals("node-groups")
          && s.get(4).equals("update-config")
          && method.equals("POST")) {
        op = "UpdateNodegroupConfig";
        mutating = true;
      } else if (n == 5
          && s.get(2).equals("node-groups")
          && s.get(4).equals("update-version")
          && method.equals("POST")) {
        op = "UpdateNodegroupVersion";
        mutating = true;
      } else if (n == 3 && s.get(2).equals("updates") && method.equals("GET")) {
        op = "ListUpdates";
      } else if (n == 4 && s.get(2).equals("updates") && method.equals("GET")) {
        op = "DescribeUpdate";
      }
    } else if (n == 2 && s.get(0).equals("tags")) {
      switch (method) {
        case "GET" -> op = "ListTagsForResource";
        case "POST" -> {
          op = "TagResource";
          mutating = true;
        }
        case "DELETE" -> {
          op = "UntagResource";
          mutating = true;
        }
        default -> {}
      }
    }
    return op == null ? Optional.empty() : Optional.of(new Route(op, mutating, s));
  }

  /** Executes {@code route}; the JSON body of a 200 answer. */
  public JsonNode execute(Route route, AwsRequest request) {
    List<String> s = route.segments();
    Map<String, List<String>> query = request.query();
    return switch (route.operation()) {
      case "ListClusters" -> {
        ObjectNode out = JSON.createObjectNode();
        out.putArray("clusters").add(config().clusterName());
        yield out;
      }
      case "DescribeCluster" -> {
        cluster(s.get(1));
        ObjectNode out = JSON.createObjectNode();
        out.set("cluster", simulator.read(st -> EksViews.cluster(config(), st)));
        yield out;
      }
      case "ListNodegroups" -> {
        cluster(s.get(1));
        List<String> names =
            simulator.read(
                st -> st.groups.stream().filter(g -> g.managed).map(g -> g.name).toList());
        yield page(names, "nodegroups", query, 100);
      }
      case "DescribeNodegroup" -> {
        cluster(s.get(1));
        ObjectNode out = JSON.createObjectNode();
        out.set(
            "nodegroup",
            simulator.read(st -> EksViews.nodegroup(config(), st, nodegroup(st, s.get(3)))));
        yield out;
      }
      case "CreateNodegroup" -> {
        cluster(s.get(1));
        JsonNode body = parse(request);
        ObjectNode out = JSON.createObjectNode();
        out.set(
            "nodegroup",
            simulator.mutate(st -> EksViews.nodegroup(config(), st, nodegroups.create(st, body))));
        yield out;
      }
      case "DeleteNodegroup" -> {
        cluster(s.get(1));
        ObjectNode out = JSON.createObjectNode();
        out.set(
            "nodegroup",
            simulator.mutate(
                st ->
                    EksViews.nodegroup(
                        config(), st, nodegroups.delete(st, nodegroup(st, s.get(3))))));
        yield out;
      }
      case "UpdateNodegroupConfig", "UpdateNodegroupVersion" -> {
        cluster(s.get(1));
        JsonNode body = parse(request);
        boolean config = route.operation().equals("UpdateNodegroupConfig");
        ObjectNode out = JSON.createObjectNode();
        out.set(
            "update",
            simulator.mutate(
                st -> {
                  Group g = nodegroup(st, s.get(3));
                  return EksUpdates.render(
                      config ? updates.config(st, g, body) : updates.version(st, g, body));
                }));
        yield out;
      }
      case "ListUpdates" -> {
        cluster(s.get(1));
        Optional<String> ng = first(query, "nodegroupName");
        List<String> ids =
            simulator.read(
                st -> {
                  ng.ifPresent(name -> nodegroup(st, name));
                  return st.updates.values().stream()
                      .filter(
                          u ->
                              ng.map(name -> name.equals(u.nodegroupName))
                                  .orElse(u.nodegroupName == null))
                      .map(u -> u.id)
                      .toList();
                });
        yield page(ids, "updateIds", query, 100);
      }
      case "DescribeUpdate" -> {
        cluster(s.get(1));
        Optional<String> ng = first(query, "nodegroupName");
        ObjectNode out = JSON.createObjectNode();
        out.set(
            "update",
            simulator.read(
                st -> {
                  Update u = st.updates.get(s.get(3));
                  if (u == null || !ng.map(name -> name.equals(u.nodegroupName)).orElse(true)) {
                    throw new AwsError(
                        404, "ResourceNotFoundException", "No update found for ID: " + s.get(3));
                  }
                  return EksUpdates.render(u);
                }));
        yield out;
      }
      case "ListTagsForResource" -> {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode tags = out.putObject("tags");
        simulator.read(st -> tagsOf(st, s.get(1))).forEach(tags::put);
        yield out;
      }
      case "TagResource" -> {
        JsonNode body = parse(request);
        if (!body.path("tags").isObject() || body.path("tags").isEmpty()) {
          throw new AwsError(400, "BadRequestException", "tags must not be empty");
        }
        Map<String, String> tags = EksTags.validated(body.path("tags"), "BadRequestException");
        simulator.mutate(
            st -> {
              Map<String, String> target = tagsOf(st, s.get(1));
              // A key the resource has already is overwritten: it is not one more tag.
              if (EksTags.countAfter(target, tags) > EksTags.MAX_TAGS) {
                throw new AwsError(
                    400, "BadRequestException", "A resource can have at most 50 tags");
              }
              target.putAll(tags);
              return null;
            });
        yield JSON.createObjectNode();
      }
      case "UntagResource" -> {
        List<String> keys = query.getOrDefault("tagKeys", List.of());
        if (keys.isEmpty()) {
          throw new AwsError(400, "BadRequestException", "tagKeys must not be empty");
        }
        simulator.mutate(
            st -> {
              keys.forEach(tagsOf(st, s.get(1))::remove);
              return null;
            });
        yield JSON.createObjectNode();
      }
      default -> throw new IllegalStateException("unrouted " + route.operation());
    };
  }

  private SimulatorConfig config() {
    return simulator.config();
  }

  private void cluster(String name) {
    if (!name.equals(config().clusterName())) {
      throw new AwsError(
          404, "ResourceNotFoundException", "No cluster found for name: " + name + ".");
    }
  }

  private static Group nodegroup(SimulatedAws st, String name) {
    return st.groups.stream()
        .filter(g -> g.managed && g.name.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AwsError(
                    404,
                    "ResourceNotFoundException",
                    "No node group found for name: " + name + "."));
  }

  /** The live tag map of a cluster or node group ARN. */
  private Map<String, String> tagsOf(SimulatedAws st, String arn) {
    if (arn.equals(config().clusterArn())) {
      return st.clusterTags;
    }
    return st.groups.stream()
        .filter(g -> arn.equals(g.nodegroupArn))
        .findFirst()
        .map(g -> g.nodegroupTags)
        .orElseThrow(
            () -> new AwsError(404, "NotFoundException", "Resource " + arn + " not found"));
  }

  private static ObjectNode page(
      List<String> items, String member, Map<String, List<String>> query, int limit) {
    int max = first(query, "maxResults").map(Integer::parseInt).orElse(limit);
    if (max < 1 || max > limit) {
      throw new AwsError(
          400, "InvalidParameterException", "maxResults must be between 1 and " + limit);
    }
    int start = first(query, "nextToken").map(EksApi::decodeToken).orElse(0);
    ObjectNode out = JSON.createObjectNode();
    ArrayNode array = out.putArray(member);
    items
        .subList(Math.min(start, items.size()), Math.min(start + max, items.size()))
        .forEach(array::add);
    if (start + max < items.size()) {
      out.put(
          "nextToken",
          java.util.Base64.getEncoder()
              .encodeToString(
                  Integer.toString(start + max).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static int decodeToken(String token) {
    try {
      return Integer.parseInt(
          new String(
              java.util.Base64.getDecoder().decode(token),
              java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new AwsError(400, "InvalidParameterException", "The nextToken is not valid");
    }
  }

  private static Optional<String> first(Map<String, List<String>> query, String name) {
    return Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty()).map(v -> v.get(0));
  }

  private static JsonNode parse(AwsRequest request) {
    try {
      return request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
    } catch (IOException e) {
      throw new AwsError(400, "BadRequestException", "The request body is not valid JSON");
    }
  }
}
