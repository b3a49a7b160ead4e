package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** Every simulated operation round-trips through the real AWS SDK v2 clients. */
@ExtendWith(SandboxExtension.class)
class AwsApiIT {

  @Test
  void eksClusterAndNodegroupsAreDescribedAsOnEks(TestSandbox sandbox) throws Exception {
    Aws aws = new Aws(sandbox);
    try (EksClient eks = aws.eks()) {
      assertEquals(List.of("dev"), eks.listClusters().clusters());
      Cluster cluster = eks.describeCluster(r -> r.name("dev")).cluster();
      assertEquals(sandbox.sandbox().state().ports().apiServerUrl(), cluster.endpoint());
      assertEquals(
          Files.readString(sandbox.sandbox().layout().pki("ca.crt")),
          new String(Base64.getDecoder().decode(cluster.certificateAuthority().data())));
      assertEquals("enabled", cluster.tags().get("eks-scheduler.io/hibernate"));
      assertEquals("ACTIVE", cluster.statusAsString());

      assertEquals(
          List.of("general", "system"), eks.listNodegroups(r -> r.clusterName("dev")).nodegroups());
      assertEquals(
          List.of("general", "system"),
          eks.listNodegroupsPaginator(r -> r.clusterName("dev").maxResults(1)).nodegroups().stream()
              .toList());
      Nodegroup system =
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("system")).nodegroup();
      assertEquals("ON_DEMAND", system.capacityTypeAsString());
      // Created with its own launch template, which names the type: EKS names no instanceTypes.
      assertFalse(system.hasInstanceTypes(), String.valueOf(system.instanceTypes()));
      assertEquals("dev-system", system.launchTemplate().name());
      assertEquals("1", system.launchTemplate().version());
      assertEquals(
          List.of("m5.large"),
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("general"))
              .nodegroup()
              .instanceTypes());
      assertEquals(2, system.scalingConfig().desiredSize());
      assertEquals(Map.of("workload", "system"), system.labels());
      assertEquals(2, system.subnets().size());
      assertTrue(system.resources().autoScalingGroups().get(0).name().startsWith("eks-system-"));
      assertTrue(
          system
              .nodegroupArn()
              .startsWith("arn:aws:eks:eu-west-1:111122223333:nodegroup/dev/system/"));

      ResourceNotFoundException missing =
          assertThrows(
              ResourceNotFoundException.class,
              () -> eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("nope")));
      assertEquals(404, missing.statusCode());
    }
  }

  @Test
  void launchTemplatesNameTheInstanceTypesTheirGroupsDoNot(TestSandbox sandbox) {
    Aws aws = new Aws(sandbox);
    try (EksClient eks = aws.eks();
        AutoScalingClient asg = aws.autoScaling();
        Ec2Client ec2 = aws.ec2()) {
      var system =
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("system"))
              .nodegroup()
              .launchTemplate();
      LaunchTemplateVersion byId =
          ec2.describeLaunchTemplateVersions(
                  r -> r.launchTemplateId(system.id()).versions(system.version()))
              .launchTemplateVersions()
              .get(0);
      assertEquals("t3.medium", byId.launchTemplateData().instanceTypeAsString());
      assertEquals("dev-system", byId.launchTemplateName());
      assertEquals(1L, byId.versionNumber());
      assertTrue(byId.defaultVersion());
      assertEquals(
          byId.launchTemplateId(),
          ec2.describeLaunchTemplateVersions(
                  r -> r.launchTemplateName("dev-system").versions("$Default"))
              .launchTemplateVersions()
              .get(0)
              .launchTemplateId());

      // The self-managed batch group: a MixedInstancesPolicy whose overrides name the types, its
      // template none.
      AutoScalingGroup batch =
          asg.describeAutoScalingGroups(r -> r.autoScalingGroupNames("dev-batch-asg"))
              .autoScalingGroups()
              .get(0);
      assertEquals(null, batch.launchTemplate());
      assertEquals(
          List.of("c5.xlarge", "m5.xlarge"),
          batch.mixedInstancesPolicy().launchTemplate().overrides().stream()
              .map(o -> o.instanceType())
              .toList());
      var spec = batch.mixedInstancesPolicy().launchTemplate().launchTemplateSpecification();
      assertEquals(
          null,
          ec2.describeLaunchTemplateVersions(
                  r -> r.launchTemplateId(spec.launchTemplateId()).versions(spec.version()))
              .launchTemplateVersions()
              .get(0)
              .launchTemplateData()
              .instanceTypeAsString());

      Ec2Exception missing =
          assertThrows(
              Ec2Exception.class,
              () ->
                  ec2.describeLaunchTemplateVersions(
                      r -> r.launchTemplateId("lt-0000000000000000f").versions("$Latest")));
      assertEquals("InvalidLaunchTemplateId.NotFound", missing.awsErrorDetails().errorCode());
      assertEquals(400, missing.statusCode());
      Ec2Exception version =
          assertThrows(
              Ec2Exception.class,
              () ->
                  ec2.describeLaunchTemplateVersions(
                      r -> r.launchTemplateName("dev-system").versions("7")));
      assertEquals(
          "InvalidLaunchTemplateId.VersionNotFound", version.awsErrorDetails().errorCode());
    }
  }

  @Test
  void tagsOfClusterAndNodegroupRoundTrip(TestSandbox sandbox) {
    Aws aws = new Aws(sandbox);
    try (EksClient eks = aws.eks()) {
      String clusterArn = eks.describeCluster(r -> r.name("dev")).cluster().arn();
      String ngArn =
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("general"))
              .nodegroup()
              .nodegroupArn();
      for (String arn : List.of(clusterArn, ngArn)) {
        eks.tagResource(r -> r.resourceArn(arn).tags(Map.of("it/tag", "x y", "it-other", "1")));
        assertEquals("x y", eks.listTagsForResource(r -> r.resourceArn(arn)).tags().get("it/tag"));
        eks.untagResource(r -> r.resourceArn(arn).tagKeys("it/tag", "it-other"));
        assertFalse(eks.listTagsForResource(r -> r.resourceArn(arn)).tags().containsKey("it/tag"));
      }
    }
  }

  @Test
  void updateNodegroupConfigToZeroMaxIsRejectedAsByAws(TestSandbox sandbox) {
    try (EksClient eks = new Aws(sandbox).eks()) {
      InvalidParameterException e =
          assertThrows(
              InvalidParameterException.class,
              () ->
                  eks.updateNodegroupConfig(
                      r ->
                          r.clusterName("dev")
                              .nodegroupName("system")
                              .scalingConfig(s -> s.minSize(0).maxSize(0).desiredSize(0))));
      assertEquals(400, e.statusCode());
      assertEquals("InvalidParameterException", e.awsErrorDetails().errorCode());
      assertTrue(
          e.getMessage().startsWith("Maximum capacity 0 can't be less than 1"), e.getMessage());
      assertEquals(
          2,
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("system"))
              .nodegroup()
              .scalingConfig()
              .desiredSize());
    }
  }

  @Test
  void autoScalingGroupsAreFoundByTagsNamesAndPages(TestSandbox sandbox) {
    try (AutoScalingClient asg = new Aws(sandbox).autoScaling()) {
      List<AutoScalingGroup> owned =
          asg.describeAutoScalingGroups(
                  r ->
                      r.filters(
                          Filter.builder()
                              .name("tag-key")
                              .values("kubernetes.io/cluster/dev")
                              .build()))
              .autoScalingGroups();
      assertEquals(3, owned.size());
      AutoScalingGroup batch =
          asg
              .describeAutoScalingGroups(
                  r ->
                      r.filters(
                          Filter.builder().name("tag:eks-scheduler.io/none").values("x").build()))
              .autoScalingGroups()
              .stream()
              .findFirst()
              .orElse(null);
      assertEquals(null, batch);
      List<AutoScalingGroup> selfManaged =
          owned.stream()
              .filter(g -> g.tags().stream().noneMatch(t -> t.key().equals("eks:nodegroup-name")))
              .toList();
      assertEquals(1, selfManaged.size());
      AutoScalingGroup self = selfManaged.get(0);
      assertEquals(
          "owned",
          self.tags().stream()
              .filter(t -> t.key().equals("kubernetes.io/cluster/dev"))
              .findFirst()
              .orElseThrow()
              .value());
      assertEquals(3, self.availabilityZones().size());
      assertEquals(
          self.desiredCapacity(),
          (int)
              self.instances().stream()
                  .filter(i -> i.lifecycleStateAsString().equals("InService"))
                  .count());
      assertEquals(
          List.of(self.autoScalingGroupName()),
          asg
              .describeAutoScalingGroups(r -> r.autoScalingGroupNames(self.autoScalingGroupName()))
              .autoScalingGroups()
              .stream()
              .map(AutoScalingGroup::autoScalingGroupName)
              .toList());
      assertEquals(
          3,
          asg.describeAutoScalingGroupsPaginator(r -> r.maxRecords(1)).autoScalingGroups().stream()
              .count());
    }
  }

  @Test
  void autoScalingKeepsTheLimitsOfItsModel(TestSandbox sandbox) {
    try (AutoScalingClient asg = new Aws(sandbox).autoScaling()) {
      String name =
          asg.describeAutoScalingGroups().autoScalingGroups().get(0).autoScalingGroupName();
      java.util.function.Function<String, Tag> tag =
          key ->
              Tag.builder()
                  .resourceId(name)
                  .resourceType("auto-scaling-group")
                  .key(key)
                  .value("v")
                  .propagateAtLaunch(false)
                  .build();
      AutoScalingException tooLong =
          assertThrows(
              AutoScalingException.class,
              () ->
                  asg.createOrUpdateTags(
                      r ->
                          r.tags(
                              tag.apply("limits-it").toBuilder().value("x".repeat(257)).build())));
      assertEquals("ValidationError", tooLong.awsErrorDetails().errorCode());
      asg.createOrUpdateTags(
          r -> r.tags(tag.apply("limits-it").toBuilder().value("x".repeat(256)).build()));

      int existing =
          asg.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
              .autoScalingGroups()
              .get(0)
              .tags()
              .size();
      List<Tag> filling =
          java.util.stream.IntStream.range(0, 50 - existing)
              .mapToObj(i -> tag.apply("limits-it-" + i))
              .toList();
      try {
        asg.createOrUpdateTags(r -> r.tags(filling));
        AutoScalingException full =
            assertThrows(
                AutoScalingException.class,
                () -> asg.createOrUpdateTags(r -> r.tags(tag.apply("limits-it-one-more"))));
        assertEquals("LimitExceeded", full.awsErrorDetails().errorCode());
        // Overwriting a tag adds none.
        asg.createOrUpdateTags(r -> r.tags(tag.apply("limits-it-0")));
      } finally {
        asg.deleteTags(r -> r.tags(filling));
        asg.deleteTags(r -> r.tags(tag.apply("limits-it")));
      }

      List<String> names =
          java.util.stream.IntStream.range(0, 51).mapToObj(i -> name).collect(Collectors.toList());
      AutoScalingException tooMany =
          assertThrows(
              AutoScalingException.class,
              () -> asg.describeAutoScalingGroups(r -> r.autoScalingGroupNames(names)));
      assertEquals("ValidationError", tooMany.awsErrorDetails().errorCode());
      assertEquals(
          1,
          asg.describeAutoScalingGroups(r -> r.autoScalingGroupNames(names).maxRecords(100))
              .autoScalingGroups()
              .size());
    }
  }

  @Test
  void tagsProcessesProtectionAndSizesOfAGroupRoundTrip(TestSandbox sandbox) {
    try (AutoScalingClient asg = new Aws(sandbox).autoScaling()) {
      AutoScalingGroup self = selfManaged(asg);
      String name = self.autoScalingGroupName();
      asg.createOrUpdateTags(
          r ->
              r.tags(
                  Tag.builder()
                      .resourceId(name)
                      .resourceType("auto-scaling-group")
                      .key("it-key")
                      .value("v1")
                      .propagateAtLaunch(false)
                      .build()));
      asg.createOrUpdateTags(
          r ->
              r.tags(
                  Tag.builder()
                      .resourceId(name)
                      .resourceType("auto-scaling-group")
                      .key("it-key")
                      .value("v2")
                      .propagateAtLaunch(false)
                      .build()));
      List<TagDescription> tags =
          asg.describeTags(r -> r.filters(Filter.builder().name("key").values("it-key").build()))
              .tags();
      assertEquals(List.of("v2"), tags.stream().map(TagDescription::value).toList());
      asg.deleteTags(
          r ->
              r.tags(
                  Tag.builder()
                      .resourceId(name)
                      .resourceType("auto-scaling-group")
                      .key("it-key")
                      .build()));
      assertTrue(
          asg.describeTags(r -> r.filters(Filter.builder().name("key").values("it-key").build()))
              .tags()
              .isEmpty());

      asg.suspendProcesses(
          r -> r.autoScalingGroupName(name).scalingProcesses("AZRebalance", "AlarmNotification"));
      assertEquals(
          List.of("AZRebalance", "AlarmNotification").stream().sorted().toList(),
          selfManaged(asg).suspendedProcesses().stream()
              .map(p -> p.processName())
              .sorted()
              .toList());
      asg.resumeProcesses(r -> r.autoScalingGroupName(name));
      assertTrue(selfManaged(asg).suspendedProcesses().isEmpty());

      String instanceId = self.instances().get(0).instanceId();
      asg.setInstanceProtection(
          r -> r.autoScalingGroupName(name).instanceIds(instanceId).protectedFromScaleIn(true));
      assertTrue(
          selfManaged(asg).instances().stream()
              .filter(i -> i.instanceId().equals(instanceId))
              .findFirst()
              .map(Instance::protectedFromScaleIn)
              .orElseThrow());
      asg.setInstanceProtection(
          r -> r.autoScalingGroupName(name).instanceIds(instanceId).protectedFromScaleIn(false));

      AutoScalingException invalid =
          assertThrows(
              AutoScalingException.class,
              () ->
                  asg.updateAutoScalingGroup(r -> r.autoScalingGroupName(name).desiredCapacity(9)));
      assertEquals("ValidationError", invalid.awsErrorDetails().errorCode());
      assertTrue(
          invalid
              .getMessage()
              .startsWith(
                  "Desired capacity:9 must be between the specified min size:0 and max size:3"),
          invalid.getMessage());
      asg.updateAutoScalingGroup(r -> r.autoScalingGroupName(name).maxSize(4));
      assertEquals(4, selfManaged(asg).maxSize());
      asg.updateAutoScalingGroup(r -> r.autoScalingGroupName(name).maxSize(3));
    }
  }

  @Test
  void callerIdentityAndSignaturesAreCheckedAndLogged(TestSandbox sandbox) throws Exception {
    Aws aws = new Aws(sandbox);
    GetCallerIdentityResponse me = aws.sts("viewer").getCallerIdentity();
    assertEquals("arn:aws:iam::111122223333:user/alice", me.arn());
    assertEquals("111122223333", me.account());

    try (EksClient forged =
        EksClient.builder()
            .endpointOverride(java.net.URI.create(aws.config().endpointUrl()))
            .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        aws.config().identity("admin").accessKeyId(), "not-the-secret")))
            .httpClientBuilder(
                software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
            .build()) {
      EksException e = assertThrows(EksException.class, forged::listClusters);
      assertEquals(403, e.statusCode());
      assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
    }

    try (EksClient eks = aws.eks()) {
      String arn = eks.describeCluster(r -> r.name("dev")).cluster().arn();
      eks.untagResource(r -> r.resourceArn(arn).tagKeys("never-set"));
    }
    Map<String, Long> logged =
        Files.readAllLines(sandbox.awsRequestLog()).stream()
            .filter(l -> l.contains("\"caller\":\"arn:aws:iam::111122223333:user/alice\""))
            .collect(
                Collectors.groupingBy(
                    l -> l.replaceAll(".*\"operation\":\"([A-Za-z]+)\".*", "$1"),
                    Collectors.counting()));
    assertTrue(logged.getOrDefault("GetCallerIdentity", 0L) >= 1, logged.toString());
    assertTrue(
        Files.readAllLines(sandbox.awsRequestLog()).stream()
            .anyMatch(
                l ->
                    l.contains("\"operation\":\"ListClusters\"")
                        && l.contains("\"status\":403")
                        && l.contains("InvalidSignatureException")));
    assertTrue(
        Files.readAllLines(sandbox.awsRequestLog()).stream()
            .anyMatch(
                l ->
                    l.contains("\"operation\":\"UntagResource\"")
                        && l.contains("\"mutating\":true")));
    assertFalse(
        Files.readString(sandbox.awsRequestLog())
            .contains(aws.config().identity("admin").secretAccessKey()));
  }

  private static AutoScalingGroup selfManaged(AutoScalingClient asg) {
    return asg
        .describeAutoScalingGroups(
            r ->
                r.filters(
                    Filter.builder().name("tag:kubernetes.io/cluster/dev").values("owned").build()))
        .autoScalingGroups()
        .stream()
        .filter(g -> g.tags().stream().noneMatch(t -> t.key().equals("eks:nodegroup-name")))
        .findFirst()
        .orElseThrow();
  }
}
