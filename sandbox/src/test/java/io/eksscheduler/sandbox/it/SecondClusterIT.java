package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.EksTokens;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;

/**
 * A second EKS cluster in the sandbox's account (scenario qa): one endpoint serves both, each on a
 * control plane of its own. ListClusters lists both, DescribeCluster gives each its own API server,
 * Auto Scaling sees the groups of both, a node group update of one changes only its nodes, and an
 * EKS token is accepted only by the API server of the cluster it names.
 */
@ExtendWith(SandboxExtension.class)
class SecondClusterIT {

  @org.junit.jupiter.api.AfterAll
  static void removeQa(TestSandbox sandbox) {
    sandbox.removeCluster("qa");
  }

  @Test
  void oneEndpointServesTwoClustersEachOnItsOwnControlPlane(TestSandbox sandbox) throws Exception {
    Sandbox.AddedCluster qa = sandbox.addCluster("qa");
    ApiClient qaAdmin = KubeClients.fromKubeconfig(qa.layout().adminKubeconfig());
    Aws aws = new Aws(sandbox);
    try (EksClient eks = aws.eks();
        AutoScalingClient asg = aws.autoScaling()) {
      assertEquals(List.of("dev", "qa"), eks.listClusters().clusters());
      Cluster described = eks.describeCluster(r -> r.name("qa")).cluster();
      assertEquals(qa.apiServerUrl(), described.endpoint());
      assertEquals("enabled", described.tags().get("eks-scheduler.io/hibernate"));
      assertEquals(List.of("workers"), eks.listNodegroups(r -> r.clusterName("qa")).nodegroups());
      assertEquals(
          "t3.large",
          eks.describeNodegroup(r -> r.clusterName("qa").nodegroupName("workers"))
              .nodegroup()
              .instanceTypes()
              .get(0));
      List<String> asgs =
          asg.describeAutoScalingGroups().autoScalingGroups().stream()
              .map(AutoScalingGroup::autoScalingGroupName)
              .toList();
      assertTrue(asgs.stream().anyMatch(n -> n.startsWith("eks-workers-")), asgs.toString());
      assertTrue(asgs.stream().anyMatch(n -> n.startsWith("eks-general-")), asgs.toString());
      assertEquals(2, nodes(qaAdmin, "workers"));
      int devGeneral = nodes(sandbox.adminClient(), "general");

      // qa's group to zero: its nodes go, dev's stay.
      eks.updateNodegroupConfig(
          r ->
              r.clusterName("qa")
                  .nodegroupName("workers")
                  .scalingConfig(s -> s.minSize(0).desiredSize(0).maxSize(4)));
      Wait.until(
          "qa's workers to have no node",
          Duration.ofMinutes(2),
          Duration.ofMillis(250),
          () -> nodes(qaAdmin, "workers") == 0 ? Optional.empty() : Optional.of("nodes left"));
      assertEquals(devGeneral, nodes(sandbox.adminClient(), "general"));
      // EKS refuses a second update while the first is in progress (409 ResourceInUse): the
      // node objects can be gone a tick before the update is marked Successful.
      Wait.until(
          "qa's workers to be ACTIVE again",
          Duration.ofMinutes(2),
          Duration.ofMillis(250),
          () ->
              eks.describeNodegroup(r -> r.clusterName("qa").nodegroupName("workers"))
                      .nodegroup()
                      .statusAsString()
                      .equals("ACTIVE")
                  ? Optional.empty()
                  : Optional.of("still updating"));
      eks.updateNodegroupConfig(
          r ->
              r.clusterName("qa")
                  .nodegroupName("workers")
                  .scalingConfig(s -> s.minSize(0).desiredSize(2).maxSize(4)));
      Wait.until(
          "qa's workers back to two nodes",
          Duration.ofMinutes(2),
          Duration.ofMillis(250),
          () -> nodes(qaAdmin, "workers") == 2 ? Optional.empty() : Optional.of("not yet"));
    }

    // Tokens: qa's API server takes a token for qa, not one for dev.
    SimulatorConfig config = sandbox.aws();
    AwsIdentity admin = config.identity("admin");
    URI endpoint = EksTokens.sts(config.region());
    String forQa =
        EksTokens.token(
            endpoint,
            config.region(),
            admin.accessKeyId(),
            admin.secretAccessKey(),
            "qa",
            Clock.systemUTC());
    String forDev =
        EksTokens.token(
            endpoint,
            config.region(),
            admin.accessKeyId(),
            admin.secretAccessKey(),
            "dev",
            Clock.systemUTC());
    assertEquals(201, review(qa, forQa));
    assertEquals(401, review(qa, forDev));
  }

  private static int nodes(ApiClient client, String group) {
    try {
      return new CoreV1Api(client)
          .listNode()
          .labelSelector("eks.amazonaws.com/nodegroup=" + group)
          .execute()
          .getItems()
          .size();
    } catch (io.kubernetes.client.openapi.ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int review(Sandbox.AddedCluster cluster, String token) throws Exception {
    try (Response r =
        EksTokenIT.selfSubjectReview(
            cluster.apiServerUrl(), Files.readAllBytes(cluster.layout().pki("ca.crt")), token)) {
      return r.code();
    }
  }
}
