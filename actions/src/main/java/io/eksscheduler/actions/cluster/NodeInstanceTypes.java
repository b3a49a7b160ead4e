package io.eksscheduler.actions.cluster;

import io.eksscheduler.actions.nodegroups.AwsCalls;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.Group;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.LaunchTemplate;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;

/**
 * The instance type a group's nodes will have, wherever the group declares it: a managed node
 * group's {@code instanceTypes}, a MixedInstancesPolicy's overrides, or else the launch template
 * the group launches from (EC2 DescribeLaunchTemplateVersions, at the group's version). Of several
 * types the smallest is counted, so that a fit holds whichever one Auto Scaling launches.
 */
final class NodeInstanceTypes {

  /**
   * EKS's instance type for a managed node group that names none, in its instanceTypes or its
   * launch template (CreateNodegroup's {@code instanceTypes} in the EKS API reference).
   */
  static final String EKS_DEFAULT = "t3.medium";

  /** EC2's errors of a template or version that does not exist (the EC2 API reference). */
  private static final Set<String> NOT_FOUND =
      Set.of(
          "InvalidLaunchTemplateId.NotFound",
          "InvalidLaunchTemplateName.NotFoundException",
          "InvalidLaunchTemplateId.VersionNotFound",
          "InvalidLaunchTemplateId.Malformed");

  /**
   * What is known of a group's instance type.
   *
   * @param instanceType the type counted, null when none is known
   * @param note what a user reads about it, null when there is nothing to say
   */
  record Choice(String instanceType, String note) {}

  /** What a launch template says: its instance type (null if none), or why it was not read. */
  record Template(String instanceType, String unread) {}

  private NodeInstanceTypes() {}

  /**
   * The type to count for a group with {@code desired} nodes.
   *
   * @param template its launch template's answer, null when it has none or names its types itself
   */
  static Choice choose(Group g, int desired, Template template) {
    List<String> candidates;
    String source;
    if (!g.instanceTypes().isEmpty()) {
      candidates = g.instanceTypes();
      source = "";
    } else if (template != null && template.unread() != null) {
      return new Choice(null, notCounted(g, desired, template.unread()));
    } else if (template != null && template.instanceType() != null) {
      candidates = List.of(template.instanceType());
      source = " (from launch template " + g.launchTemplate().label() + ")";
    } else if (g.managed()) {
      candidates = List.of(EKS_DEFAULT);
      source = " (EKS's default: neither the group nor its launch template names one)";
    } else {
      String why =
          g.launchTemplate() == null
              ? "instance type not known (it has no launch template)"
              : "launch template " + g.launchTemplate().label() + " names no instance type";
      return new Choice(null, notCounted(g, desired, why));
    }
    List<String> known =
        candidates.stream().filter(t -> InstanceShapes.of(t).isPresent()).distinct().toList();
    if (known.isEmpty()) {
      return new Choice(
          null,
          notCounted(
              g, desired, "instance type " + String.join(", ", candidates) + " not in the table"));
    }
    String smallest =
        known.stream()
            .min(
                Comparator.comparing((String t) -> InstanceShapes.of(t).orElseThrow().milliCpu())
                    .thenComparing(t -> InstanceShapes.of(t).orElseThrow().memoryMi())
                    .thenComparing(t -> InstanceShapes.of(t).orElseThrow().pods()))
            .orElseThrow();
    if (candidates.size() > 1) {
      return new Choice(
          smallest,
          g.id()
              + ": of its instance types "
              + String.join(", ", candidates)
              + ", the smallest, "
              + smallest
              + ", is counted"
              + source);
    }
    return new Choice(smallest, source.isEmpty() ? null : g.id() + ": " + smallest + source);
  }

  private static String notCounted(Group g, int desired, String why) {
    return g.id() + ": " + why + "; its " + desired + " nodes are not counted";
  }

  /** The launch templates to read: those of the groups that name no type themselves, each once. */
  static Map<LaunchTemplate, Template> read(ActionContext ctx, List<Group> groups, Instant until)
      throws ActionFailure, InterruptedException {
    Map<LaunchTemplate, Template> out = new LinkedHashMap<>();
    for (Group g : groups) {
      LaunchTemplate t = g.launchTemplate();
      if (g.instanceTypes().isEmpty() && t != null && !out.containsKey(t)) {
        out.put(t, read(ctx, t, until));
      }
    }
    return out;
  }

  private static Template read(ActionContext ctx, LaunchTemplate t, Instant until)
      throws ActionFailure, InterruptedException {
    Ec2Client ec2 = ctx.client(Ec2Client.class);
    String version = t.version() == null ? "$Default" : t.version();
    return AwsCalls.call(
        ctx,
        "reading launch template " + t.label(),
        until,
        () -> {
          try {
            List<LaunchTemplateVersion> versions =
                ec2.describeLaunchTemplateVersions(
                        r ->
                            (t.id() != null
                                    ? r.launchTemplateId(t.id())
                                    : r.launchTemplateName(t.name()))
                                .versions(version))
                    .launchTemplateVersions();
            Optional<String> type =
                versions.stream()
                    .findFirst()
                    .map(
                        v ->
                            v.launchTemplateData() == null
                                ? null
                                : v.launchTemplateData().instanceTypeAsString());
            return new Template(type.orElse(null), null);
          } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null
                && NOT_FOUND.contains(e.awsErrorDetails().errorCode())) {
              return new Template(
                  null, "launch template " + t.label() + ": " + e.awsErrorDetails().errorMessage());
            }
            throw e;
          }
        });
  }
}
