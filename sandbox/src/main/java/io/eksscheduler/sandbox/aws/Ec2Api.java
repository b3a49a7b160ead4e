package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The EC2 API (the ec2 query protocol, version 2016-11-15) as far as node groups need it:
 * DescribeLaunchTemplateVersions of the node groups' launch templates, one version each, which is
 * also the default. A self-managed group's template and a managed group's own one name the group's
 * instance type; the template EKS makes for a managed group without one, and the template of a
 * MixedInstancesPolicy, name none (the overrides do). Members, errors and the answer's shape follow
 * botocore's ec2 model and the API reference
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html).
 */
public final class Ec2Api {

  public static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
  static final Set<String> OPERATIONS = Set.of("DescribeLaunchTemplateVersions");

  private final Simulator simulator;

  Ec2Api(Simulator simulator) {
    this.simulator = simulator;
  }

  /** The name of a group's launch template (EKS's own for a managed group without one). */
  static String templateName(Group g) {
    return g.launchTemplateName != null ? g.launchTemplateName : g.asgName;
  }

  /** The instance type a group's launch template names, null when it names none. */
  static String templateInstanceType(Group g) {
    boolean own = !g.managed || g.launchTemplateName != null;
    return own && g.mixedInstanceTypes.isEmpty() ? g.instanceType : null;
  }

  /** Answers {@code operation}: the awsquery {@code form} in, the answer's members out. */
  String execute(String operation, Map<String, String> form) {
    if (!operation.equals("DescribeLaunchTemplateVersions")) {
      throw new AwsError(400, "InvalidAction", "The action " + operation + " is not valid");
    }
    return simulator.read(st -> describeVersions(st, form));
  }

  private String describeVersions(SimulatedAws st, Map<String, String> form) {
    String id = form.get("LaunchTemplateId");
    String name = form.get("LaunchTemplateName");
    List<String> versions = values(form, "LaunchTemplateVersion");
    if (id != null && name != null) {
      throw new AwsError(
          400,
          "InvalidParameterCombination",
          "The parameters LaunchTemplateId and LaunchTemplateName cannot be used together");
    }
    List<Group> templates = new ArrayList<>();
    if (id == null && name == null) {
      // Without a template, only $Latest or $Default of every template may be asked for.
      if (versions.isEmpty() || !versions.stream().allMatch(v -> v.startsWith("$"))) {
        throw new AwsError(
            400,
            "MissingParameter",
            "The request must contain the parameter LaunchTemplateId or LaunchTemplateName");
      }
      templates.addAll(st.groups);
    } else {
      Group g =
          st.groups.stream()
              .filter(
                  x -> id != null ? id.equals(x.launchTemplateId) : name.equals(templateName(x)))
              .findFirst()
              .orElseThrow(
                  () ->
                      id != null
                          ? new AwsError(
                              400,
                              "InvalidLaunchTemplateId.NotFound",
                              "The specified launch template, with template ID "
                                  + id
                                  + ", does not exist.")
                          : new AwsError(
                              400,
                              "InvalidLaunchTemplateName.NotFoundException",
                              "The specified launch template, with template name "
                                  + name
                                  + ", does not exist."));
      for (String v : versions) {
        if (!v.equals("$Latest") && !v.equals("$Default") && !v.equals("1")) {
          throw new AwsError(
              400,
              "InvalidLaunchTemplateId.VersionNotFound",
              "Could not find launch template version "
                  + v
                  + " for launch template ID "
                  + g.launchTemplateId
                  + ".");
        }
      }
      templates.add(g);
    }
    Xml xml = new Xml().open("launchTemplateVersionSet");
    for (Group g : templates) {
      xml.open("item")
          .element("launchTemplateId", g.launchTemplateId)
          .element("launchTemplateName", templateName(g))
          .element("versionNumber", 1)
          .element("createTime", Instant.ofEpochMilli(g.createdAt).toString())
          .element(
              "createdBy", "arn:aws:iam::" + simulator.config().accountId() + ":user/eks-scheduler")
          .element("defaultVersion", true)
          .open("launchTemplateData")
          .element("imageId", "ami-0" + String.format("%016x", (long) g.uuid.hashCode() & 0xffffL))
          .element("instanceType", templateInstanceType(g))
          .close("launchTemplateData")
          .close("item");
    }
    return xml.close("launchTemplateVersionSet").toString();
  }

  /** The values of an ec2-protocol list {@code prefix.N}, in N order. */
  static List<String> values(Map<String, String> form, String prefix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    form.forEach(
        (k, v) -> {
          if (k.startsWith(prefix + ".") && k.substring(prefix.length() + 1).matches("\\d+")) {
            byIndex.put(Integer.parseInt(k.substring(prefix.length() + 1)), v);
          }
        });
    return new ArrayList<>(byIndex.values());
  }

  /** An ec2-protocol answer: the members right under {@code <OperationResponse>}. */
  static String response(String operation, String members, String requestId) {
    return "<"
        + operation
        + "Response xmlns=\""
        + NAMESPACE
        + "\"><requestId>"
        + requestId
        + "</requestId>"
        + members
        + "</"
        + operation
        + "Response>";
  }

  /** An ec2-protocol error: {@code <Response><Errors><Error>}, then {@code RequestID}. */
  static String error(AwsError error, String requestId) {
    return new Xml()
        .open("Response")
        .open("Errors")
        .open("Error")
        .element("Code", error.code())
        .element("Message", error.getMessage())
        .close("Error")
        .close("Errors")
        .element("RequestID", requestId)
        .close("Response")
        .toString();
  }
}
