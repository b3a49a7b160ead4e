package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import java.util.List;

/** EKS's views of the cluster and of a node group, as DescribeCluster and DescribeNodegroup. */
final class EksViews {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EksViews() {}

  /** DescribeCluster's {@code cluster}. */
  static ObjectNode cluster(SimulatorConfig c, SimulatedAws st) {
    ObjectNode cluster = JSON.createObjectNode();
    cluster.put("name", c.clusterName());
    cluster.put("arn", c.clusterArn());
    cluster.put("createdAt", st.clusterCreatedAt / 1000.0);
    cluster.put("version", c.clusterVersion());
    cluster.put("endpoint", c.apiServerEndpoint());
    cluster.put(
        "roleArn", "arn:aws:iam::" + c.accountId() + ":role/" + c.clusterName() + "-cluster-role");
    ObjectNode vpc = cluster.putObject("resourcesVpcConfig");
    ArrayNode subnets = vpc.putArray("subnetIds");
    st.groups.stream().flatMap(g -> g.subnets.values().stream()).distinct().forEach(subnets::add);
    vpc.putArray("securityGroupIds");
    vpc.put("clusterSecurityGroupId", "sg-0sandbox00000000001");
    vpc.put("vpcId", "vpc-0sandbox000000001");
    vpc.put("endpointPublicAccess", true);
    vpc.put("endpointPrivateAccess", true);
    vpc.putArray("publicAccessCidrs").add("0.0.0.0/0");
    ObjectNode network = cluster.putObject("kubernetesNetworkConfig");
    network.put("serviceIpv4Cidr", "10.100.0.0/16");
    network.put("ipFamily", "ipv4");
    cluster.putObject("logging").putArray("clusterLogging");
    cluster
        .putObject("identity")
        .putObject("oidc")
        .put(
            "issuer",
            "https://oidc.eks."
                + c.region()
                + ".amazonaws.com/id/SANDBOX"
                + c.clusterName().toUpperCase(java.util.Locale.ROOT));
    cluster.put("status", "ACTIVE");
    cluster.putObject("certificateAuthority").put("data", c.certificateAuthority());
    cluster.put("platformVersion", "eks.1");
    ObjectNode tags = cluster.putObject("tags");
    st.clusterTags.forEach(tags::put);
    cluster.putObject("accessConfig").put("authenticationMode", "API_AND_CONFIG_MAP");
    return cluster;
  }

  /** DescribeNodegroup's {@code nodegroup}: its status CREATING, DELETING, UPDATING or ACTIVE. */
  static ObjectNode nodegroup(SimulatorConfig c, SimulatedAws st, Group g) {
    ObjectNode ng = JSON.createObjectNode();
    ng.put("nodegroupName", g.name);
    ng.put("nodegroupArn", g.nodegroupArn);
    ng.put("clusterName", c.clusterName());
    ng.put("version", c.clusterVersion());
    ng.put(
        "releaseVersion",
        g.releaseVersion == null ? c.clusterVersion() + ".0-20260101" : g.releaseVersion);
    ng.put("createdAt", g.createdAt / 1000.0);
    ng.put("modifiedAt", g.modifiedAt / 1000.0);
    ng.put("status", g.status != null ? g.status : Groups.busy(st, g) ? "UPDATING" : "ACTIVE");
    ng.put("capacityType", g.capacityType);
    ObjectNode scaling = ng.putObject("scalingConfig");
    scaling.put("minSize", g.minSize);
    scaling.put("maxSize", g.maxSize);
    scaling.put("desiredSize", g.desiredCapacity);
    if (g.launchTemplateName == null) {
      ArrayNode types = ng.putArray("instanceTypes");
      (g.instanceTypes != null ? g.instanceTypes : List.of(g.instanceType)).forEach(types::add);
    } else {
      // Created with a launch template that names the type: instanceTypes is null (the API
      // reference's Nodegroup), the template is named instead.
      ng.putObject("launchTemplate")
          .put("name", g.launchTemplateName)
          .put("version", "1")
          .put("id", g.launchTemplateId);
    }
    ArrayNode subnets = ng.putArray("subnets");
    g.subnets.values().forEach(subnets::add);
    ng.put("amiType", g.amiType != null ? g.amiType : "AL2023_x86_64_STANDARD");
    ng.put(
        "nodeRole",
        g.nodeRole != null
            ? g.nodeRole
            : "arn:aws:iam::" + c.accountId() + ":role/" + c.clusterName() + "-node-role");
    ObjectNode labels = ng.putObject("labels");
    g.labels.forEach(labels::put);
    ArrayNode taints = ng.putArray("taints");
    for (SimulatedAws.Taint t : g.taints) {
      ObjectNode taint = taints.addObject().put("key", t.key).put("effect", t.effect);
      if (t.value != null && !t.value.isEmpty()) {
        taint.put("value", t.value);
      }
    }
    ObjectNode resources = ng.putObject("resources");
    resources.putArray("autoScalingGroups").addObject().put("name", g.asgName);
    ng.put("diskSize", g.diskSize != null ? g.diskSize : 20);
    ng.putObject("health").putArray("issues");
    ng.putObject("updateConfig").put("maxUnavailable", 1);
    ObjectNode tags = ng.putObject("tags");
    g.nodegroupTags.forEach(tags::put);
    return ng;
  }
}
