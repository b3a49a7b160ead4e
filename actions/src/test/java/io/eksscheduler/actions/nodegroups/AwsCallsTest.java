package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.TestContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;

class AwsCallsTest {

  private static AwsServiceException eks(int status, String code) {
    return EksException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build())
        .build();
  }

  private static AwsServiceException autoScaling(int status, String code) {
    return AutoScalingException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build())
        .build();
  }

  @Test
  void throttlingIsRetryableWhateverTheServiceCallsIt() {
    assertTrue(AwsCalls.retryable(eks(429, "ThrottlingException")));
    // The query protocol's throttling is a 400 named Throttling.
    assertTrue(AwsCalls.retryable(autoScaling(400, "Throttling")));
  }

  @Test
  void serverErrorsAndNetworkFailuresAreRetryable() {
    assertTrue(AwsCalls.retryable(eks(500, "InternalFailure")));
    assertTrue(AwsCalls.retryable(autoScaling(503, "ServiceUnavailable")));
    assertTrue(
        AwsCalls.retryable(
            SdkClientException.builder().cause(new IOException("Connection reset")).build()));
    assertTrue(AwsCalls.retryable(ApiCallTimeoutException.create(60_000)));
  }

  @Test
  void deniedBadAndBusyCallsAreNotRetryable() {
    assertFalse(AwsCalls.retryable(eks(403, "AccessDeniedException")));
    assertFalse(AwsCalls.retryable(autoScaling(400, "ValidationError")));
    assertFalse(
        AwsCalls.retryable(
            ResourceInUseException.builder()
                .statusCode(409)
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorCode("ResourceInUseException").build())
                .build()));
    assertFalse(
        AwsCalls.retryable(SdkClientException.create("Unable to load credentials from any")));
  }

  @Test
  void aBusyAutoScalingGroupIsRetryableAsItsReferenceListsIt() {
    assertTrue(AwsCalls.retryable(autoScaling(400, "ScalingActivityInProgress")));
    assertTrue(AwsCalls.retryable(autoScaling(400, "ResourceInUse")));
    assertTrue(AwsCalls.retryable(autoScaling(500, "ResourceContention")));
  }

  @Test
  void backoffDoublesFromOneSecondAndStopsAt20s() {
    assertEquals(Duration.ofSeconds(1), AwsCalls.delay(1, 0));
    assertEquals(Duration.ofSeconds(2), AwsCalls.delay(2, 0));
    assertEquals(Duration.ofSeconds(16), AwsCalls.delay(5, 0));
    assertEquals(Duration.ofSeconds(20), AwsCalls.delay(6, 0));
    assertEquals(Duration.ofSeconds(30), AwsCalls.delay(30, 1));
  }

  @Test
  void aPollThrottledBeyondTheSdksRetriesComesAgainUntilItIsAnswered() throws Exception {
    TestContext ctx = new TestContext();
    AtomicInteger calls = new AtomicInteger();

    String status =
        AwsCalls.call(
            ctx,
            "describing update u-1 of node group general",
            ctx.now().plus(Duration.ofMinutes(20)),
            () -> {
              if (calls.incrementAndGet() <= 4) {
                throw eks(429, "ThrottlingException");
              }
              return "Successful";
            });

    assertEquals("Successful", status);
    assertEquals(4, ctx.sleeps().size());
    assertTrue(
        ctx.progress()
            .get(0)
            .startsWith(
                "describing update u-1 of node group general: ThrottlingException: m, trying"
                    + " again in "),
        ctx.progress().get(0));
  }

  @Test
  void aRetryableFailureStopsAtTheDeadlineAndStaysRetryableForTheEngine() {
    TestContext ctx = new TestContext();
    Instant until = ctx.now().plus(Duration.ofSeconds(30));
    AtomicInteger calls = new AtomicInteger();

    ActionFailure failure =
        assertThrows(
            ActionFailure.class,
            () ->
                AwsCalls.call(
                    ctx,
                    "scaling Auto Scaling group batch to 0",
                    until,
                    () -> {
                      calls.incrementAndGet();
                      throw autoScaling(503, "ServiceUnavailable");
                    }));

    assertFalse(ctx.now().isAfter(until), "slept past the deadline: " + ctx.sleeps());
    assertTrue(calls.get() >= 4, calls.get() + " calls");
    assertTrue(failure.retryable());
    assertEquals(
        "scaling Auto Scaling group batch to 0: ServiceUnavailable: m", failure.getMessage());
  }

  @Test
  void aDeniedCallFailsAtOnceWithTheIamHint() {
    TestContext ctx = new TestContext();

    ActionFailure failure =
        assertThrows(
            ActionFailure.class,
            () ->
                AwsCalls.call(
                    ctx,
                    "tagging node group general",
                    ctx.now().plus(Duration.ofMinutes(20)),
                    () -> {
                      throw eks(403, "AccessDeniedException");
                    }));

    assertEquals(List.of(), ctx.sleeps());
    assertFalse(failure.retryable());
    assertTrue(failure.getMessage().contains("lacks this IAM permission"), failure.getMessage());
  }
}
