package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.AsgTag;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import io.eksscheduler.sandbox.aws.SimulatedAws.Instance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The Auto Scaling API (awsquery, 2011-01-01) over the sandbox's groups: managed node groups'
 * backing groups ({@code eks-NG-UUID}) and self-managed groups. Form parameters in, XML out.
 */
public final class AutoScalingApi {

  public static final String NAMESPACE = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

  /** Operations that change something. */
  static final Set<String> MUTATING =
      Set.of(
          "UpdateAutoScalingGroup",
          "SuspendProcesses",
          "ResumeProcesses",
          "CreateOrUpdateTags",
          "DeleteTags",
          "SetInstanceProtection");

  static final Set<String> OPERATIONS =
      Set.of(
          "DescribeAutoScalingGroups",
          "DescribeTags",
          "UpdateAutoScalingGroup",
          "SuspendProcesses",
          "ResumeProcesses",
          "CreateOrUpdateTags",
          "DeleteTags",
          "SetInstanceProtection");

  /** The names one DescribeAutoScalingGroups takes without MaxRecords. */
  static final int NAMES_PER_CALL = 50;

  private final Simulator simulator;

  public AutoScalingApi(Simulator simulator) {
    this.simulator = simulator;
  }

  /** The Result element's content, or null for operations that answer nothing. */
  public String execute(String operation, Map<String, String> form) {
    return switch (operation) {
      case "DescribeAutoScalingGroups" -> simulator.read(st -> describeGroups(st, form));
      case "DescribeTags" -> simulator.read(st -> AutoScalingTags.describe(st, form));
      case "UpdateAutoScalingGroup" -> simulator.mutate(st -> update(st, form));
      case "SuspendProcesses", "ResumeProcesses" ->
          simulator.mutate(st -> processes(st, form, operation.equals("SuspendProcesses")));
      case "CreateOrUpdateTags" -> simulator.mutate(st -> AutoScalingTags.change(st, form, true));
      case "DeleteTags" -> simulator.mutate(st -> AutoScalingTags.change(st, form, false));
      case "SetInstanceProtection" -> simulator.mutate(st -> protect(st, form));
      default -> throw new IllegalStateException("unrouted " + operation);
    };
  }

  static Group group(SimulatedAws st, String name) {
    if (name == null || name.isEmpty()) {
      throw new AwsError(
          400,
          "ValidationError",
          "1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null");
    }
    return st.groups.stream()
        .filter(g -> g.asgName.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AwsError(
                    400,
                    "ValidationError",
                    "AutoScalingGroup name not found - AutoScalingGroup '" + name + "' not found"));
  }

  private String describeGroups(SimulatedAws st, Map<String, String> form) {
    List<String> names = FormParameters.members(form, "AutoScalingGroupNames");
    // "By default, you can only specify up to 50 names. You can optionally increase this limit
    // using the MaxRecords property" (API reference, DescribeAutoScalingGroups); the error's
    // wording is the simulator's.
    int namesLimit = Math.max(NAMES_PER_CALL, Page.maxRecords(form, 100));
    if (names.size() > namesLimit) {
      throw new AwsError(
          400,
          "ValidationError",
          names.size()
              + " Auto Scaling group names given; at most "
              + namesLimit
              + " may be (MaxRecords raises the limit up to 100)");
    }
    List<Predicate<Group>> filters = new ArrayList<>();
    for (Map<String, String> f : FormParameters.structures(form, "Filters")) {
      String name = f.getOrDefault("Name", "");
      List<String> values = FormParameters.members(f, "Values");
      if (name.equals("tag-key")) {
        filters.add(g -> g.asgTags.stream().anyMatch(t -> values.contains(t.key)));
      } else if (name.equals("tag-value")) {
        filters.add(g -> g.asgTags.stream().anyMatch(t -> values.contains(t.value)));
      } else if (name.startsWith("tag:")) {
        String key = name.substring(4);
        filters.add(
            g -> g.asgTags.stream().anyMatch(t -> t.key.equals(key) && values.contains(t.value)));
      } else {
        throw new AwsError(400, "ValidationError", "Filter name '" + name + "' is not valid");
      }
    }
    List<Group> matching =
        st.groups.stream()
            .filter(g -> names.isEmpty() || names.contains(g.asgName))
            .filter(g -> filters.stream().allMatch(p -> p.test(g)))
            .toList();
    Page<Group> page = Page.of(matching, form, 100);
    Xml xml = new Xml().open("AutoScalingGroups");
    for (Group g : page.items()) {
      renderGroup(xml.open("member"), g).close("member");
    }
    xml.close("AutoScalingGroups");
    page.next().ifPresent(t -> xml.element("NextToken", t));
    return xml.toString();
  }

  private Xml renderGroup(Xml xml, Group g) {
    xml.element("AutoScalingGroupName", g.asgName).element("AutoScalingGroupARN", g.asgArn);
    if (g.mixedInstanceTypes.isEmpty()) {
      launchTemplate(xml, "LaunchTemplate", g);
    } else {
      // A MixedInstancesPolicy instead of a LaunchTemplate: its template, each override's type.
      xml.open("MixedInstancesPolicy").open("LaunchTemplate");
      launchTemplate(xml, "LaunchTemplateSpecification", g).open("Overrides");
      g.mixedInstanceTypes.forEach(
          t -> xml.open("member").element("InstanceType", t).close("member"));
      xml.close("Overrides")
          .close("LaunchTemplate")
          .open("InstancesDistribution")
          .element("OnDemandAllocationStrategy", "prioritized")
          .element("OnDemandBaseCapacity", 0)
          .element("OnDemandPercentageAboveBaseCapacity", 100)
          .element("SpotAllocationStrategy", "lowest-price")
          .close("InstancesDistribution")
          .close("MixedInstancesPolicy");
    }
    xml.element("MinSize", g.minSize)
        // A VersionUpdate's scale-up phase raises both by its surge.
        .element("MaxSize", g.maxSize + g.surge)
        .element("DesiredCapacity", g.desiredCapacity + g.surge)
        .element("DefaultCooldown", 300)
        .open("AvailabilityZones");
    g.zones.forEach(z -> xml.element("member", z));
    xml.close("AvailabilityZones")
        .empty("LoadBalancerNames")
        .empty("TargetGroupARNs")
        .element("HealthCheckType", "EC2")
        .element("HealthCheckGracePeriod", 15)
        .open("Instances");
    for (Instance i : g.instances) {
      xml.open("member")
          .element("InstanceId", i.instanceId)
          .element("InstanceType", g.instanceType)
          .element("AvailabilityZone", i.zone)
          .element("LifecycleState", i.lifecycleState)
          .element("HealthStatus", "Healthy");
      launchTemplate(xml, "LaunchTemplate", g)
          .element("ProtectedFromScaleIn", i.protectedFromScaleIn)
          .close("member");
    }
    xml.close("Instances").element("CreatedTime", Instant.ofEpochMilli(g.createdAt).toString());
    xml.open("SuspendedProcesses");
    g.suspendedProcesses.forEach(
        (p, reason) ->
            xml.open("member")
                .element("ProcessName", p)
                .element("SuspensionReason", reason)
                .close("member"));
    xml.close("SuspendedProcesses")
        .element("VPCZoneIdentifier", String.join(",", g.subnets.values()))
        .empty("EnabledMetrics")
        .open("Tags");
    for (AsgTag t : g.asgTags) {
      renderTag(xml, g, t);
    }
    xml.close("Tags")
        .open("TerminationPolicies")
        .element("member", g.managed ? "AllocationStrategy" : "Default")
        .element("member", g.managed ? "OldestLaunchTemplate" : null)
        .element("member", g.managed ? "OldestInstance" : null)
        .close("TerminationPolicies")
        .element("NewInstancesProtectedFromScaleIn", false)
        .element(
            "ServiceLinkedRoleARN",
            "arn:aws:iam::"
                + simulator.config().accountId()
                + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
        .element("CapacityRebalance", g.managed && "SPOT".equals(g.capacityType));
    return xml;
  }

  /** A group's launch template as a {@code LaunchTemplateSpecification} named {@code element}. */
  private static Xml launchTemplate(Xml xml, String element, Group g) {
    return xml.open(element)
        .element("LaunchTemplateId", g.launchTemplateId)
        .element("LaunchTemplateName", Ec2Api.templateName(g))
        .element("Version", "1")
        .close(element);
  }

  static void renderTag(Xml xml, Group g, AsgTag t) {
    xml.open("member")
        .element("ResourceId", g.asgName)
        .element("ResourceType", "auto-scaling-group")
        .element("Key", t.key)
        .element("Value", t.value)
        .element("PropagateAtLaunch", t.propagateAtLaunch)
        .close("member");
  }

  private String update(SimulatedAws st, Map<String, String> form) {
    Group g = group(st, form.get("AutoScalingGroupName"));
    ScalingRules.Sizes sizes =
        ScalingRules.asgUpdate(
            new ScalingRules.Sizes(g.minSize, g.desiredCapacity, g.maxSize),
            integer(form, "MinSize"),
            integer(form, "DesiredCapacity"),
            integer(form, "MaxSize"));
    g.minSize = sizes.min();
    g.desiredCapacity = sizes.desired();
    g.maxSize = sizes.max();
    g.modifiedAt = simulator.now();
    return null;
  }

  private String processes(SimulatedAws st, Map<String, String> form, boolean suspend) {
    Group g = group(st, form.get("AutoScalingGroupName"));
    List<String> named = FormParameters.members(form, "ScalingProcesses");
    for (String p : named) {
      if (!Simulator.PROCESSES.contains(p)) {
        throw new AwsError(400, "ValidationError", "Invalid scaling process name: " + p);
      }
    }
    List<String> targets = named.isEmpty() ? Simulator.PROCESSES : named;
    for (String p : targets) {
      if (suspend) {
        g.suspendedProcesses.put(
            p,
            "User suspended at "
                + Instant.ofEpochMilli(simulator.now()).toString().replaceAll("\\.\\d+Z", "Z"));
      } else {
        g.suspendedProcesses.remove(p);
      }
    }
    return null;
  }

  private String protect(SimulatedAws st, Map<String, String> form) {
    Group g = group(st, form.get("AutoScalingGroupName"));
    String flag = form.get("ProtectedFromScaleIn");
    if (flag == null) {
      throw new AwsError(
          400,
          "ValidationError",
          "1 validation error detected: Value null at 'protectedFromScaleIn' failed to satisfy constraint: Member must not be null");
    }
    List<String> ids = FormParameters.members(form, "InstanceIds");
    Set<String> known = new LinkedHashSet<>();
    g.instances.forEach(i -> known.add(i.instanceId));
    for (String id : ids) {
      if (!known.contains(id)) {
        throw new AwsError(
            400,
            "ValidationError",
            "The instance " + id + " is not part of Auto Scaling group " + g.asgName + ".");
      }
    }
    g.instances.stream()
        .filter(i -> ids.contains(i.instanceId))
        .forEach(i -> i.protectedFromScaleIn = Boolean.parseBoolean(flag));
    return "";
  }

  private static Optional<Integer> integer(Map<String, String> form, String name) {
    String v = form.get(name);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      throw new AwsError(400, "ValidationError", name + " must be a whole number");
    }
  }

  /** One page of a list, with awsquery's MaxRecords and NextToken. */
  record Page<T>(List<T> items, Optional<String> next) {
    /** MaxRecords: 50 by default, at most {@code limit}. */
    static int maxRecords(Map<String, String> form, int limit) {
      int max;
      try {
        max = Optional.ofNullable(form.get("MaxRecords")).map(Integer::parseInt).orElse(50);
      } catch (NumberFormatException e) {
        throw new AwsError(400, "ValidationError", "MaxRecords must be a whole number");
      }
      if (max < 1 || max > limit) {
        throw new AwsError(400, "ValidationError", "MaxRecords must be between 1 and " + limit);
      }
      return max;
    }

    static <T> Page<T> of(List<T> all, Map<String, String> form, int limit) {
      int max = maxRecords(form, limit);
      int start = 0;
      if (form.get("NextToken") != null) {
        try {
          start =
              Integer.parseInt(
                  new String(
                      java.util.Base64.getDecoder().decode(form.get("NextToken")),
                      java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new AwsError(400, "InvalidNextToken", "The token is not valid");
        }
      }
      int end = Math.min(start + max, all.size());
      Optional<String> next =
          end < all.size()
              ? Optional.of(
                  java.util.Base64.getEncoder()
                      .encodeToString(
                          Integer.toString(end).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              : Optional.empty();
      return new Page<>(all.subList(Math.min(start, all.size()), end), next);
    }
  }
}
