package io.eksscheduler.sandbox.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Injected failures: a fraction of calls (optionally only some operations) is throttled, answered
 * with a 5xx, answered with the operation's "busy" error, delayed, or executed and then answered
 * badly (a lost answer: a 500 after the change was made; a stalled answer: held past the client's
 * timeout). Throttling, 5xx and busy errors are decided before the operation runs, so such a
 * refused mutating call has not taken effect. A budget bounds how many failures are injected into
 * each operation, so that a test can say "the first two calls of each". Counts what it injected per
 * service:operation.
 */
public final class Faults {

  /**
   * Fractions in [0, 1]; {@code operations} empty means every operation.
   *
   * @param throttle answered the service's throttling error before running
   * @param serverError answered InternalFailure 500 or ServiceUnavailable 503 before running
   * @param latency delayed by {@code latencyMillis} before running
   * @param latencyMillis the delay of {@code latency}
   * @param operations the operations faults apply to; empty for all
   * @param busy answered the operation's own "busy" error before running ({@link #busy})
   * @param lostAnswer run, then answered InternalFailure 500
   * @param stalledAnswer run, then answered only after {@code stallMillis}
   * @param stallMillis how long a stalled answer is held
   * @param budget at most this many failures (all kinds but latency) are injected into each
   *     operation; 0 for no limit
   */
  public record Settings(
      double throttle,
      double serverError,
      double latency,
      long latencyMillis,
      List<String> operations,
      double busy,
      double lostAnswer,
      double stalledAnswer,
      long stallMillis,
      int budget) {

    public static final Settings NONE = new Settings(0, 0, 0, 0, List.of(), 0, 0, 0, 0, 0);

    public Settings {
      operations = operations == null ? List.of() : List.copyOf(operations);
      for (double f :
          new double[] {throttle, serverError, latency, busy, lostAnswer, stalledAnswer}) {
        if (!(f >= 0 && f <= 1)) {
          throw new IllegalArgumentException("fault fractions must be between 0 and 1, got " + f);
        }
      }
      if (latencyMillis < 0 || latencyMillis > 60_000) {
        throw new IllegalArgumentException("latencyMillis must be between 0 and 60000");
      }
      if (stallMillis < 0 || stallMillis > 120_000) {
        throw new IllegalArgumentException("stallMillis must be between 0 and 120000");
      }
      if (budget < 0) {
        throw new IllegalArgumentException("budget must not be negative");
      }
    }
  }

  /**
   * What to do with one call.
   *
   * @param error the error answered instead of running it
   * @param delayMillis how long to wait before running it
   * @param after the error answered after running it (a lost answer)
   * @param stallMillis how long to hold the answer after running it
   * @param kind what was injected, for the request log, or null
   */
  public record Decision(
      Optional<AwsError> error,
      long delayMillis,
      Optional<AwsError> after,
      long stallMillis,
      String kind) {

    static final Decision NONE = new Decision(Optional.empty(), 0, Optional.empty(), 0, null);

    /**
     * Runs {@code call} as decided: waits the latency, answers the error instead, or runs it and
     * then answers the lost answer's error or holds the answer.
     */
    public <T> T apply(Supplier<T> call) {
      sleep(delayMillis);
      error.ifPresent(
          e -> {
            throw e;
          });
      T out = call.get();
      after.ifPresent(
          e -> {
            throw e;
          });
      sleep(stallMillis);
      return out;
    }

    private static void sleep(long millis) {
      if (millis <= 0) {
        return;
      }
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AwsError(503, "ServiceUnavailable", "The simulator is stopping");
      }
    }
  }

  private final Random random;
  private Settings settings = Settings.NONE;
  private final Map<String, Integer> spent = new TreeMap<>();
  private final Map<String, Map<String, Integer>> injected = new TreeMap<>();

  public Faults(Random random) {
    this.random = random;
  }

  /** New settings, with a whole budget. */
  public synchronized void configure(Settings next) {
    settings = next;
    spent.clear();
  }

  public synchronized Settings settings() {
    return settings;
  }

  /**
   * Counts per {@code service:Operation}: {@code throttle}, {@code serverError}, {@code busy},
   * {@code lostAnswer}, {@code stalledAnswer}, {@code latency}.
   */
  public synchronized Map<String, Map<String, Integer>> injected() {
    Map<String, Map<String, Integer>> copy = new TreeMap<>();
    injected.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    return copy;
  }

  public synchronized void resetCounts() {
    injected.clear();
  }

  public synchronized Decision decide(String service, String operation) {
    if (!settings.operations().isEmpty() && !settings.operations().contains(operation)) {
      return Decision.NONE;
    }
    String key = service + ":" + operation;
    long delay = 0;
    if (settings.latency() > 0 && random.nextDouble() < settings.latency()) {
      delay = settings.latencyMillis();
      count(key, "latency");
    }
    boolean spendable = settings.budget() == 0 || spent.getOrDefault(key, 0) < settings.budget();
    Optional<AwsError> busy = busy(service, operation);
    Optional<AwsError> before = Optional.empty();
    Optional<AwsError> after = Optional.empty();
    long stall = 0;
    String kind = delay > 0 ? "latency" : null;
    if (!spendable) {
      return new Decision(Optional.empty(), delay, Optional.empty(), 0, kind);
    } else if (hit(settings.throttle())) {
      kind = "throttle";
      before = Optional.of(throttling(service));
    } else if (hit(settings.serverError())) {
      kind = "serverError";
      before = Optional.of(random.nextBoolean() ? unavailable() : internalFailure());
    } else if (busy.isPresent() && hit(settings.busy())) {
      kind = "busy";
      before = busy;
    } else if (hit(settings.lostAnswer())) {
      kind = "lostAnswer";
      after = Optional.of(internalFailure());
    } else if (settings.stallMillis() > 0 && hit(settings.stalledAnswer())) {
      kind = "stalledAnswer";
      stall = settings.stallMillis();
    }
    if (before.isPresent() || after.isPresent() || stall > 0) {
      spent.merge(key, 1, Integer::sum);
      count(key, kind);
    }
    return new Decision(before, delay, after, stall, kind);
  }

  private boolean hit(double fraction) {
    return fraction > 0 && random.nextDouble() < fraction;
  }

  /** The throttling error each service answers. */
  static AwsError throttling(String service) {
    return switch (service) {
      // EKS answers 429 with x-amzn-ErrorType ThrottlingException; the query services a 400
      // Throttling.
      case "eks" -> new AwsError(429, "ThrottlingException", "Rate exceeded");
      // EC2 answers 503 RequestLimitExceeded (the EC2 API reference's throttling page).
      case "ec2" -> new AwsError(503, "RequestLimitExceeded", "Request limit exceeded.");
      default -> new AwsError(400, "Throttling", "Rate exceeded");
    };
  }

  /**
   * The error an operation answers while its resource is busy, as its API reference lists it, if
   * any: Auto Scaling's UpdateAutoScalingGroup ScalingActivityInProgress (400); Suspend/Resume
   * Processes, CreateOrUpdateTags and DeleteTags ResourceInUse (400); its other operations
   * ResourceContention (500)
   * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html,
   * API_SuspendProcesses.html, API_CreateOrUpdateTags.html); EKS's UpdateNodegroupConfig
   * ResourceInUseException (409, botocore's eks model).
   */
  static Optional<AwsError> busy(String service, String operation) {
    if (service.equals("autoscaling")) {
      return Optional.of(
          switch (operation) {
            case "UpdateAutoScalingGroup" ->
                new AwsError(
                    400,
                    "ScalingActivityInProgress",
                    "The operation can't be performed because there are scaling activities in"
                        + " progress.");
            case "SuspendProcesses", "ResumeProcesses", "CreateOrUpdateTags", "DeleteTags" ->
                new AwsError(
                    400,
                    "ResourceInUse",
                    "The operation can't be performed because the resource is in use.");
            default ->
                new AwsError(
                    500,
                    "ResourceContention",
                    "You already have a pending update to an Amazon EC2 Auto Scaling resource (for"
                        + " example, an Auto Scaling group, instance, or load balancer).");
          });
    }
    if (service.equals("eks") && operation.equals("UpdateNodegroupConfig")) {
      return Optional.of(
          new AwsError(
              409,
              "ResourceInUseException",
              "Nodegroup cannot be updated as it is currently not in Active State"));
    }
    return Optional.empty();
  }

  private static AwsError internalFailure() {
    return new AwsError(
        500,
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.");
  }

  private static AwsError unavailable() {
    return new AwsError(
        503, "ServiceUnavailable", "Service is unavailable. Please try again later.");
  }

  private void count(String key, String kind) {
    injected.computeIfAbsent(key, k -> new TreeMap<>()).merge(kind, 1, Integer::sum);
  }
}
