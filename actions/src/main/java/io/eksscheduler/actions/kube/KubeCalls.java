package io.eksscheduler.actions.kube;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Backoff;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Calls the Kubernetes API with bounded retries, as every Kubernetes call of the actions does
 * (reads, list pages, polls and writes alike): throttling (429 from API Priority and Fairness or a
 * proxy, not the 429 by which the Eviction API says a PodDisruptionBudget refuses), server errors
 * (5xx) and calls that got no answer are tried up to {@link #ATTEMPTS} times in all, with the
 * backoff {@link Backoff#KUBERNETES_CALL}, never sooner than the server's Retry-After; anything
 * else fails at once with the call named. The client's own timeouts bound each request.
 */
public final class KubeCalls {
  private static final Backoff BACKOFF = Backoff.KUBERNETES_CALL;
  static final int ATTEMPTS = BACKOFF.attempts().orElseThrow();
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** One API call. */
  @FunctionalInterface
  public interface Call<T> {
    T run() throws ApiException;
  }

  private KubeCalls() {}

  /**
   * Runs {@code call}, retrying throttling, server errors and unanswered calls.
   *
   * @param what the call in a user's words ("listing nodes"), for progress and errors
   * @throws ActionFailure naming {@code what} when the call fails for good
   */
  public static <T> T call(ActionContext ctx, String what, Call<T> call)
      throws ActionFailure, InterruptedException {
    return call(ctx, what, call, e -> false);
  }

  /**
   * As {@link #call(ActionContext, String, Call)}, except that an error {@code answer} accepts is
   * not retried: it is what the caller asked about (a probe through a webhook that is down is
   * answered 500 by the API server, and that answer, not a later one, is the probe's result).
   */
  public static <T> T call(
      ActionContext ctx, String what, Call<T> call, Predicate<ApiException> answer)
      throws ActionFailure, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      ctx.checkCancelled();
      try {
        return call.run();
      } catch (ApiException e) {
        if (!retryable(e) || answer.test(e) || !BACKOFF.allowsAnotherAfter(attempt)) {
          throw failure(what, e);
        }
        Duration wait = delay(attempt, retryAfter(e), ThreadLocalRandom.current().nextDouble());
        ctx.progress(
            what
                + ": "
                + (e.getCode() == 0 ? "no answer" : "HTTP " + e.getCode())
                + ", retrying in "
                + wait.toMillis()
                + " ms");
        ctx.sleeper().sleep(wait);
      }
    }
  }

  /**
   * The wait before retry number {@code attempt} (1 for the first retry): 200 ms doubling up to 10
   * s, or the server's Retry-After when longer, plus up to half again at random ({@code jitter} in
   * [0, 1)) so that the parallel callers a 429 turned away do not all come back at once.
   */
  static Duration delay(int attempt, Optional<Duration> retryAfter, double jitter) {
    return BACKOFF.delay(attempt, retryAfter.orElse(Duration.ZERO), jitter);
  }

  /**
   * True for answers worth trying again: throttling, server errors, no answer at all. A budget's
   * refusal of an eviction is not one: the drain waits for the budget on its own terms.
   */
  static boolean retryable(ApiException e) {
    int code = e.getCode();
    if (blockedByBudget(e)) {
      return false;
    }
    return code == 429 || code >= 500 || code == 0; // 0: no answer (connection reset, timeout)
  }

  static Optional<Duration> retryAfter(ApiException e) {
    Map<String, List<String>> headers = e.getResponseHeaders();
    if (headers == null) {
      return Optional.empty();
    }
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if ("retry-after".equalsIgnoreCase(h.getKey()) && !h.getValue().isEmpty()) {
        try {
          long seconds = Long.parseLong(h.getValue().get(0).trim());
          return Optional.of(Duration.ofSeconds(Math.min(Math.max(seconds, 1), 30)));
        } catch (NumberFormatException ignored) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  static ActionFailure failure(String what, ApiException e) {
    String detail = e.getCode() == 0 ? String.valueOf(e.getMessage()) : message(e);
    boolean forbidden = e.getCode() == 403;
    return new ActionFailure(
        what
            + ": "
            + (e.getCode() == 0 ? "" : "HTTP " + e.getCode() + ": ")
            + detail
            + (forbidden
                ? " (the identity in use lacks this permission; see deploy/rbac.yaml)"
                : ""),
        retryable(e),
        e);
  }

  /** The API server's own message from a Status body, or the raw body. */
  public static String message(ApiException e) {
    String body = e.getResponseBody();
    if (body == null || body.isBlank()) {
      return String.valueOf(e.getMessage());
    }
    try {
      com.fasterxml.jackson.databind.JsonNode status = JSON.readTree(body);
      if (status.hasNonNull("message")) {
        return status.get("message").asText();
      }
    } catch (java.io.IOException ignored) {
      // not a Status object: show it as it came
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  /**
   * Executes a request whose answer the client cannot read back (the Eviction API answers with a
   * Status, not the Eviction its model expects): a 2xx is success, anything else an {@link
   * ApiException} carrying the code, headers and body, as the generated client would throw.
   */
  public static void executeRaw(okhttp3.Call call) throws ApiException {
    try (okhttp3.Response response = call.execute()) {
      if (response.isSuccessful()) {
        return;
      }
      String body = response.body() == null ? "" : response.body().string();
      throw new ApiException(response.code(), response.headers().toMultimap(), body);
    } catch (java.io.IOException e) {
      throw new ApiException(e);
    }
  }

  /** True for the eviction 429 that a PodDisruptionBudget causes (not a rate limit). */
  public static boolean blockedByBudget(ApiException e) {
    String body = e.getResponseBody();
    return e.getCode() == 429 && body != null && body.contains("\"DisruptionBudget\"");
  }
}
