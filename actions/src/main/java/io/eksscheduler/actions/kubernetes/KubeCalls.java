package io.eksscheduler.actions.kubernetes;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Calls the Kubernetes API with bounded retries: throttling (429) and server errors (5xx) are
 * retried with exponential backoff, honouring Retry-After; anything else fails at once with the
 * call named. The client's own timeouts bound each request.
 */
final class KubeCalls {
  private static final int ATTEMPTS = 8;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** One API call. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws ApiException;
  }

  private KubeCalls() {}

  static <T> T call(ActionContext ctx, String what, Call<T> call)
      throws ActionFailure, InterruptedException {
    Duration delay = Duration.ofMillis(200);
    for (int attempt = 1; ; attempt++) {
      ctx.checkCancelled();
      try {
        return call.run();
      } catch (ApiException e) {
        if (!retryable(e) || attempt == ATTEMPTS) {
          throw failure(what, e);
        }
        Duration wait = retryAfter(e).orElse(delay);
        ctx.sleeper().sleep(wait);
        delay =
            delay.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                ? Duration.ofSeconds(10)
                : delay.multipliedBy(2);
      }
    }
  }

  static boolean retryable(ApiException e) {
    int code = e.getCode();
    return code == 429 || code >= 500 || code == 0; // 0: no answer (connection reset, timeout)
  }

  static java.util.Optional<Duration> retryAfter(ApiException e) {
    Map<String, List<String>> headers = e.getResponseHeaders();
    if (headers == null) {
      return java.util.Optional.empty();
    }
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if ("retry-after".equalsIgnoreCase(h.getKey()) && !h.getValue().isEmpty()) {
        try {
          long seconds = Long.parseLong(h.getValue().get(0).trim());
          return java.util.Optional.of(Duration.ofSeconds(Math.min(Math.max(seconds, 1), 30)));
        } catch (NumberFormatException ignored) {
          return java.util.Optional.empty();
        }
      }
    }
    return java.util.Optional.empty();
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
  static String message(ApiException e) {
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
  static void executeRaw(okhttp3.Call call) throws ApiException {
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
  static boolean blockedByBudget(ApiException e) {
    String body = e.getResponseBody();
    return e.getCode() == 429 && body != null && body.contains("\"DisruptionBudget\"");
  }
}
