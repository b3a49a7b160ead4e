package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.eks.EksClient;

/** The simulator's state is on disk before a call returns: it survives a SIGKILL. */
@ExtendWith(SandboxExtension.class)
class SimulatorRestartIT {

  @Test
  void stateSurvivesSigkillOfTheSimulator(TestSandbox sandbox) throws Exception {
    Aws aws = new Aws(sandbox);
    String tagValue = "v-" + System.nanoTime();
    String name;
    List<String> instancesBefore;
    String clusterTagBefore;
    try (AutoScalingClient asg = aws.autoScaling();
        EksClient eks = aws.eks()) {
      AutoScalingGroup group = asg.describeAutoScalingGroups().autoScalingGroups().get(0);
      name = group.autoScalingGroupName();
      instancesBefore = group.instances().stream().map(Instance::instanceId).sorted().toList();
      String clusterArn = eks.describeCluster(r -> r.name("dev")).cluster().arn();
      eks.tagResource(
          r -> r.resourceArn(clusterArn).tags(java.util.Map.of("restart-it", tagValue)));
      clusterTagBefore = eks.describeCluster(r -> r.name("dev")).cluster().tags().get("restart-it");
      asg.createOrUpdateTags(
          r ->
              r.tags(
                  Tag.builder()
                      .resourceId(name)
                      .resourceType("auto-scaling-group")
                      .key("restart-it")
                      .value(tagValue)
                      .propagateAtLaunch(false)
                      .build()));
    }

    ProcessHandle simulator = sandbox.awsSimulatorProcess();
    simulator.destroyForcibly();
    simulator.onExit().get(10, TimeUnit.SECONDS);
    try (AutoScalingClient asg = aws.autoScaling(Aws.noRetries())) {
      assertThrows(
          SdkClientException.class, asg::describeAutoScalingGroups, "the simulator is down");
    }
    sandbox.restartAwsSimulator();

    try (AutoScalingClient asg = aws.autoScaling();
        EksClient eks = aws.eks()) {
      assertEquals(
          List.of(tagValue),
          asg
              .describeTags(
                  r -> r.filters(Filter.builder().name("key").values("restart-it").build()))
              .tags()
              .stream()
              .map(t -> t.value())
              .toList());
      AutoScalingGroup group =
          asg.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
              .autoScalingGroups()
              .get(0);
      assertEquals(
          instancesBefore, group.instances().stream().map(Instance::instanceId).sorted().toList());
      assertEquals(
          clusterTagBefore,
          eks.describeCluster(r -> r.name("dev")).cluster().tags().get("restart-it"));
      String clusterArn = eks.describeCluster(r -> r.name("dev")).cluster().arn();
      eks.untagResource(r -> r.resourceArn(clusterArn).tagKeys("restart-it"));
      asg.deleteTags(
          r ->
              r.tags(
                  Tag.builder()
                      .resourceId(name)
                      .resourceType("auto-scaling-group")
                      .key("restart-it")
                      .build()));
    }
    assertTrue(sandbox.awsSimulatorProcess().pid() != simulator.pid());
  }
}
