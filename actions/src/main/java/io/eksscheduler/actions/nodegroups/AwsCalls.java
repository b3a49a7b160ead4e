package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Backoff;
import io.eksscheduler.engine.spi.Poll;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Calls AWS so that throttling and server errors that outlast the SDK's own retries do not fail a
 * step that still has time: each call goes through the SDK client, which retries with its own
 * policy; a throttling error, a 5xx or a network failure that is still there afterwards is tried
 * again, with the backoff {@link Backoff#AWS_CALL}, until the step's deadline. A poll is one such
 * call, so a throttled poll is a poll that comes again. Auto Scaling's busy errors are retried the
 * same way. Anything else fails at once, naming the call.
 *
 * <p>Trying a mutating call again is safe for the calls nodegroups.scale makes: tags, suspended
 * processes and sizes are set to values, not changed by amounts; an Auto Scaling group's sizes are
 * read again before they are sent again ({@link AutoScalingCalls}); an UpdateNodegroupConfig is
 * sent again with the request token the ledger holds ({@link NodegroupUpdates}), so that EKS
 * answers the update it started rather than starting another.
 */
public final class AwsCalls {
  private static final Backoff BACKOFF = Backoff.AWS_CALL;

  /**
   * Auto Scaling's errors of a busy group, which its API reference lists for the calls a stop and a
   * wake make: ScalingActivityInProgress (400, UpdateAutoScalingGroup), ResourceInUse (400,
   * Suspend/ResumeProcesses, CreateOrUpdateTags, DeleteTags), ResourceContention (500, all)
   * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html).
   * EKS's ResourceInUseException is not among them: NodegroupUpdates waits it out.
   */
  private static final Set<String> BUSY =
      Set.of("ScalingActivityInProgress", "ResourceInUse", "ResourceContention");

  private AwsCalls() {}

  /**
   * Runs {@code call}, trying again after retryable failures until {@code until}.
   *
   * @param what the call in a user's words ("describing node group general"), for errors
   * @throws ActionFailure naming {@code what}: at once for a failure that is not retryable, at the
   *     deadline for one that is
   */
  public static <T> T call(ActionContext ctx, String what, Instant until, Supplier<T> call)
      throws ActionFailure, InterruptedException {
    for (int retry = 1; ; retry++) {
      ctx.checkCancelled();
      try {
        return call.get();
      } catch (SdkException e) {
        if (!retryable(e)) {
          throw failure(what, e);
        }
        Duration wait = delay(retry, ThreadLocalRandom.current().nextDouble());
        if (ctx.clock().instant().plus(wait).isAfter(until)) {
          throw failure(what, e);
        }
        ctx.progress(what + ": " + summary(e) + ", trying again in " + wait.toMillis() + " ms");
        ctx.sleeper().sleep(wait);
      }
    }
  }

  /**
   * {@link #call(ActionContext, String, Instant, Supplier)} for a call whose answer is not used.
   */
  static void run(ActionContext ctx, String what, Instant until, Runnable call)
      throws ActionFailure, InterruptedException {
    call(
        ctx,
        what,
        until,
        () -> {
          call.run();
          return null;
        });
  }

  /**
   * True for failures worth trying again: throttling (whatever the service calls it), a 5xx, an
   * Auto Scaling group busy ({@link #BUSY}), no answer (a network error or an SDK timeout). Not a
   * denied call, a bad parameter or EKS's ResourceInUseException: the caller decides about those.
   */
  static boolean retryable(SdkException e) {
    if (e instanceof AwsServiceException service) {
      return service.isThrottlingException()
          || service.statusCode() >= 500
          || (service.awsErrorDetails() != null
              && BUSY.contains(service.awsErrorDetails().errorCode()));
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    if (e instanceof SdkClientException) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof IOException) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The wait before retry number {@code retry} (1 for the first): 1 s doubling up to 20 s, plus up
   * to half again at random ({@code jitter} in [0, 1)).
   */
  static Duration delay(int retry, double jitter) {
    return BACKOFF.delay(retry, Duration.ZERO, jitter);
  }

  /** The failure of {@code what}, retryable by the engine when the error is. */
  static ActionFailure failure(String what, SdkException e) {
    String message = what + ": " + summary(e);
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      String code = service.awsErrorDetails().errorCode();
      if ("AccessDeniedException".equals(code)
          || "AccessDenied".equals(code)
          || "UnauthorizedOperation".equals(code)) {
        message +=
            " (the identity in use lacks this IAM permission; see docs/iam-policy.json for a"
                + " stop, docs/iam-policy-wake.json for a start, and docs/security.md)";
      } else if ("LimitExceeded".equals(code)
          || ("BadRequestException".equals(code)
              && String.valueOf(service.awsErrorDetails().errorMessage()).contains("tags"))) {
        // A group may carry 50 tags at most (EKS and Auto Scaling alike).
        message += " (a group carries at most 50 tags: remove one so that its original fits)";
      }
    }
    return new ActionFailure(message, retryable(e), e);
  }

  private static String summary(SdkException e) {
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      String code = service.awsErrorDetails().errorCode();
      String text = service.awsErrorDetails().errorMessage();
      return (code == null ? "" : code + ": ") + (text == null ? e.getMessage() : text);
    }
    return String.valueOf(e.getMessage());
  }

  /**
   * A wait on AWS until {@code until}: a look every second for the first minute, then every 5 s, so
   * that a long wait (an update, nodes draining) does not keep polling at its first pace.
   */
  static Poll poll(ActionContext ctx, Instant until) {
    return Poll.before(ctx, until, Duration.ofSeconds(1))
        .slowingAfter(Duration.ofMinutes(1), Duration.ofSeconds(5));
  }
}
