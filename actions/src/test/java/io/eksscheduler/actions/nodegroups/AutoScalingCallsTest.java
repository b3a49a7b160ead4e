package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.eksscheduler.actions.TestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.UpdateAutoScalingGroupRequest;
import software.amazon.awssdk.services.autoscaling.model.UpdateAutoScalingGroupResponse;

class AutoScalingCallsTest {

  /** One group whose updates take effect; the first {@code lost} answers are 500s. */
  private static final class OneGroup implements AutoScalingClient {
    int min = 1;
    int desired = 3;
    int max = 6;
    int lost;
    int busy;
    final List<UpdateAutoScalingGroupRequest> updates = new ArrayList<>();
    final List<List<String>> describes = new ArrayList<>();

    @Override
    public UpdateAutoScalingGroupResponse updateAutoScalingGroup(UpdateAutoScalingGroupRequest r) {
      if (busy-- > 0) {
        throw error(400, "ScalingActivityInProgress");
      }
      updates.add(r);
      min = r.minSize() == null ? min : r.minSize();
      desired = r.desiredCapacity() == null ? desired : r.desiredCapacity();
      max = r.maxSize() == null ? max : r.maxSize();
      if (lost-- > 0) {
        throw error(500, "InternalFailure");
      }
      return UpdateAutoScalingGroupResponse.builder().build();
    }

    @Override
    public DescribeAutoScalingGroupsResponse describeAutoScalingGroups(
        DescribeAutoScalingGroupsRequest r) {
      describes.add(r.autoScalingGroupNames());
      List<AutoScalingGroup> groups =
          r.autoScalingGroupNames().stream()
              .map(
                  n ->
                      AutoScalingGroup.builder()
                          .autoScalingGroupName(n)
                          .minSize(min)
                          .desiredCapacity(desired)
                          .maxSize(max)
                          .build())
              .toList();
      return DescribeAutoScalingGroupsResponse.builder().autoScalingGroups(groups).build();
    }

    @Override
    public String serviceName() {
      return "autoscaling";
    }

    @Override
    public void close() {}

    private static AutoScalingException error(int status, String code) {
      return (AutoScalingException)
          AutoScalingException.builder()
              .statusCode(status)
              .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build())
              .build();
    }
  }

  @Test
  void namesAreDescribedFiftyAtATime() throws Exception {
    OneGroup asg = new OneGroup();
    TestContext ctx = new TestContext();
    List<String> names = IntStream.range(0, 120).mapToObj(i -> "g" + i).toList();

    List<AutoScalingGroup> found =
        AutoScalingCalls.describe(ctx, asg, names, "describing", ctx.now().plusSeconds(60));

    assertEquals(120, found.size());
    assertEquals(List.of(50, 50, 20), asg.describes.stream().map(List::size).toList());
  }

  @Test
  void sizesWhoseAnswerWasLostAreReadAgainNotSentAgain() throws Exception {
    OneGroup asg = new OneGroup();
    asg.lost = 1;
    TestContext ctx = new TestContext();

    boolean answered =
        AutoScalingCalls.setSizes(ctx, asg, "batch", 0, 0, null, ctx.now().plusSeconds(60));

    assertFalse(answered);
    assertEquals(1, asg.updates.size());
    assertEquals(List.of(List.of("batch")), asg.describes);
    assertEquals(List.of(0, 0, 6), List.of(asg.min, asg.desired, asg.max));
  }

  @Test
  void aScalingActivityInProgressIsWaitedOutUntilTheUpdateIsTaken() throws Exception {
    OneGroup asg = new OneGroup();
    asg.busy = 3;
    TestContext ctx = new TestContext();

    AutoScalingCalls.setSizes(ctx, asg, "batch", 2, 5, 8, ctx.now().plus(Duration.ofMinutes(5)));

    assertEquals(1, asg.updates.size());
    assertEquals(3, ctx.sleeps().size());
    assertEquals(List.of(2, 5, 8), List.of(asg.min, asg.desired, asg.max));
  }
}
