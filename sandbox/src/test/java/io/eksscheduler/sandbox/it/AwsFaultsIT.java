package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.eks.EksClient;

/** Injected throttling, 5xx and latency, as the SDK and the request log see them. */
@ExtendWith(SandboxExtension.class)
class AwsFaultsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void throttlingIsAbsorbedByTheSdksRetriesAndCounted(TestSandbox sandbox) throws Exception {
    Aws aws = new Aws(sandbox);
    aws.admin(
        "faults",
        "{\"throttle\":0.3,\"operations\":[\"DescribeAutoScalingGroups\",\"DescribeNodegroup\"],\"resetCounts\":true}");
    try (AutoScalingClient asg = aws.autoScaling(Aws.patientRetries());
        EksClient eks = aws.eks(Aws.patientRetries())) {
      for (int i = 0; i < 25; i++) {
        assertEquals(3, asg.describeAutoScalingGroups().autoScalingGroups().size());
        assertEquals(
            "general",
            eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("general"))
                .nodegroup()
                .nodegroupName());
      }
      JsonNode injected = JSON.readTree(aws.admin("faults", null)).path("injected");
      int asgThrottled =
          injected.path("autoscaling:DescribeAutoScalingGroups").path("throttle").asInt();
      int eksThrottled = injected.path("eks:DescribeNodegroup").path("throttle").asInt();
      assertTrue(asgThrottled > 0 && eksThrottled > 0, injected.toString());
      long logged =
          java.nio.file.Files.readAllLines(sandbox.awsRequestLog()).stream()
              .filter(
                  l ->
                      l.contains("\"errorCode\":\"Throttling\"")
                          && l.contains("\"injected\":\"throttle\""))
              .count();
      assertTrue(logged >= asgThrottled, "request log has the 400 Throttling answers");
    } finally {
      aws.admin("faults", "{}");
    }
  }

  @Test
  void failedMutatingCallHasNoEffect(TestSandbox sandbox) {
    Aws aws = new Aws(sandbox);
    try (AutoScalingClient asg = aws.autoScaling(Aws.noRetries())) {
      String name =
          asg.describeAutoScalingGroups().autoScalingGroups().get(0).autoScalingGroupName();
      aws.admin("faults", "{\"serverError\":1.0,\"operations\":[\"CreateOrUpdateTags\"]}");
      AutoScalingException e =
          assertThrows(
              AutoScalingException.class,
              () ->
                  asg.createOrUpdateTags(
                      r ->
                          r.tags(
                              Tag.builder()
                                  .resourceId(name)
                                  .resourceType("auto-scaling-group")
                                  .key("faults-it")
                                  .value("x")
                                  .propagateAtLaunch(false)
                                  .build())));
      assertTrue(e.statusCode() == 500 || e.statusCode() == 503, "status " + e.statusCode());
      assertTrue(
          java.util.Set.of("InternalFailure", "ServiceUnavailable")
              .contains(e.awsErrorDetails().errorCode()));
      aws.admin("faults", "{}");
      assertTrue(
          asg.describeTags(r -> r.filters(Filter.builder().name("key").values("faults-it").build()))
              .tags()
              .isEmpty());
    } finally {
      aws.admin("faults", "{}");
    }
  }

  @Test
  void aLostAnswerIsA500ForAChangeThatWasMade(TestSandbox sandbox) throws Exception {
    Aws aws = new Aws(sandbox);
    try (AutoScalingClient asg = aws.autoScaling(Aws.noRetries())) {
      String name =
          asg.describeAutoScalingGroups().autoScalingGroups().get(0).autoScalingGroupName();
      aws.admin(
          "faults",
          "{\"lostAnswer\":1.0,\"budget\":1,\"resetCounts\":true,"
              + "\"operations\":[\"CreateOrUpdateTags\"]}");
      Tag tag =
          Tag.builder()
              .resourceId(name)
              .resourceType("auto-scaling-group")
              .key("lost-it")
              .value("x")
              .propagateAtLaunch(false)
              .build();
      AutoScalingException e =
          assertThrows(AutoScalingException.class, () -> asg.createOrUpdateTags(r -> r.tags(tag)));
      assertEquals(500, e.statusCode());
      assertEquals("InternalFailure", e.awsErrorDetails().errorCode());
      assertEquals(
          1,
          asg.describeTags(r -> r.filters(Filter.builder().name("key").values("lost-it").build()))
              .tags()
              .size());
      asg.deleteTags(r -> r.tags(tag));
      JsonNode faults = JSON.readTree(aws.admin("faults", null));
      assertEquals(
          1,
          faults
              .path("injected")
              .path("autoscaling:CreateOrUpdateTags")
              .path("lostAnswer")
              .asInt());
    } finally {
      aws.admin("faults", "{}");
    }
  }

  @Test
  void aStalledAnswerOutlastsTheAttemptTimeoutAfterTheChange(TestSandbox sandbox) {
    Aws aws = new Aws(sandbox);
    try (AutoScalingClient asg = aws.autoScaling(Aws.noRetries(), Duration.ofSeconds(1))) {
      var group = asg.describeAutoScalingGroups().autoScalingGroups().get(0);
      String name = group.autoScalingGroupName();
      aws.admin(
          "faults",
          "{\"stalledAnswer\":1.0,\"stallMillis\":3000,\"budget\":1,"
              + "\"operations\":[\"SuspendProcesses\"]}");
      // The client gives up after 1 s; the answer comes after 3.
      assertThrows(
          software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException.class,
          () ->
              asg.suspendProcesses(
                  r -> r.autoScalingGroupName(name).scalingProcesses("AlarmNotification")));
      assertTrue(
          asg
              .describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
              .autoScalingGroups()
              .get(0)
              .suspendedProcesses()
              .stream()
              .anyMatch(p -> p.processName().equals("AlarmNotification")));
      boolean before =
          group.suspendedProcesses().stream()
              .anyMatch(p -> p.processName().equals("AlarmNotification"));
      if (!before) {
        asg.resumeProcesses(
            r -> r.autoScalingGroupName(name).scalingProcesses("AlarmNotification"));
      }
    } finally {
      aws.admin("faults", "{}");
    }
  }

  @Test
  void injectedLatencyDelaysTheAnswer(TestSandbox sandbox) {
    Aws aws = new Aws(sandbox);
    aws.admin(
        "faults", "{\"latency\":1.0,\"latencyMillis\":400,\"operations\":[\"GetCallerIdentity\"]}");
    try {
      long start = System.nanoTime();
      aws.sts("admin").getCallerIdentity();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 400, "answered in " + millis + " ms");
    } finally {
      aws.admin("faults", "{}");
    }
  }
}
