package io.eksscheduler.sandbox.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * Injected failures: a fraction of calls (optionally only some operations) is throttled, answered
 * with a 5xx, or delayed. An injected failure is decided before the operation runs, so a refused
 * mutating call has not taken effect (the sandbox models AWS's request-rejected errors, not a 500
 * after the change was made). Counts what it injected per service:operation.
 */
public final class Faults {

  /** Fractions in [0, 1]; {@code operations} empty means every operation. */
  public record Settings(
      double throttle,
      double serverError,
      double latency,
      long latencyMillis,
      List<String> operations) {

    public static final Settings NONE = new Settings(0, 0, 0, 0, List.of());

    public Settings {
      operations = operations == null ? List.of() : List.copyOf(operations);
      for (double f : new double[] {throttle, serverError, latency}) {
        if (!(f >= 0 && f <= 1)) {
          throw new IllegalArgumentException("fault fractions must be between 0 and 1, got " + f);
        }
      }
      if (latencyMillis < 0 || latencyMillis > 60_000) {
        throw new IllegalArgumentException("latencyMillis must be between 0 and 60000");
      }
    }
  }

  /** What to do with one call. */
  public record Decision(Optional<AwsError> error, long delayMillis) {}

  private final Random random;
  private Settings settings = Settings.NONE;
  private final Map<String, Map<String, Integer>> injected = new TreeMap<>();

  public Faults(Random random) {
    this.random = random;
  }

  public synchronized void configure(Settings next) {
    settings = next;
  }

  public synchronized Settings settings() {
    return settings;
  }

  /**
   * Counts per {@code service:Operation}: {@code throttle}, {@code serverError}, {@code latency}.
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
      return new Decision(Optional.empty(), 0);
    }
    String key = service + ":" + operation;
    long delay = 0;
    if (settings.latency() > 0 && random.nextDouble() < settings.latency()) {
      delay = settings.latencyMillis();
      count(key, "latency");
    }
    if (settings.throttle() > 0 && random.nextDouble() < settings.throttle()) {
      count(key, "throttle");
      return new Decision(Optional.of(throttling(service)), delay);
    }
    if (settings.serverError() > 0 && random.nextDouble() < settings.serverError()) {
      count(key, "serverError");
      boolean unavailable = random.nextBoolean();
      return new Decision(
          Optional.of(
              unavailable
                  ? new AwsError(
                      503, "ServiceUnavailable", "Service is unavailable. Please try again later.")
                  : new AwsError(
                      500,
                      "InternalFailure",
                      "The request processing has failed because of an unknown error, exception or failure.")),
          delay);
    }
    return new Decision(Optional.empty(), delay);
  }

  /** The throttling error each service answers. */
  static AwsError throttling(String service) {
    return switch (service) {
      // EKS answers 429 with x-amzn-ErrorType ThrottlingException; the query services a 400
      // Throttling.
      case "eks" -> new AwsError(429, "ThrottlingException", "Rate exceeded");
      default -> new AwsError(400, "Throttling", "Rate exceeded");
    };
  }

  private void count(String key, String kind) {
    injected.computeIfAbsent(key, k -> new TreeMap<>()).merge(kind, 1, Integer::sum);
  }
}
