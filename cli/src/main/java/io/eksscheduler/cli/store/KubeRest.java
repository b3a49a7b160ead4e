package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.Json;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's few Kubernetes requests, as JSON, through the command line's {@link ApiClient} (its
 * authentication, TLS, timeouts and interceptors): throttling (429, whether API Priority and
 * Fairness or a proxy said it), server errors and requests that got no answer are tried again with
 * backoff and jitter (see {@link #delay}: Retry-After is not waited for as such), until a deadline;
 * any other answer is returned to the caller, who decides. An answer after a retry is flagged: the
 * attempt before it may have been committed without its answer reaching us, so a conditional write
 * answered 409 then must be checked, not taken for a conflict.
 */
final class KubeRest {
  private static final ObjectMapper JSON = Json.mapper();
  private static final Duration FIRST_DELAY = Duration.ofMillis(200);
  private static final Duration MAX_DELAY = Duration.ofSeconds(5);
  private static final String[] AUTH = {"BearerToken"};

  /** The metadata-only list of the API server (PartialObjectMetadataList). */
  static final String METADATA_ONLY =
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

  static final String MERGE_PATCH = "application/merge-patch+json";

  /**
   * An answer.
   *
   * @param code the HTTP status
   * @param body the JSON body (missing when there was none or it was not JSON)
   * @param retried true when an earlier attempt of this request may have been committed
   */
  record Answer(int code, JsonNode body, boolean retried) {
    boolean ok() {
      return code >= 200 && code < 300;
    }

    /** The API server's message of a Status answer, or the code. */
    String message() {
      JsonNode m = body.path("message");
      return m.isTextual() ? m.asText() : "HTTP " + code;
    }

    /** The resourceVersion of the object answered. */
    String resourceVersion() {
      return body.path("metadata").path("resourceVersion").asText(null);
    }
  }

  private final ApiClient client;
  private final Sleeper sleeper;
  private final Duration deadline;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();

  /**
   * @param deadline how long one request may be tried again in all, at most
   */
  KubeRest(ApiClient client, Sleeper sleeper, Duration deadline) {
    this.client = client;
    this.sleeper = sleeper;
    this.deadline = deadline;
  }

  /** The API server, for messages. */
  String server() {
    return client.getBasePath();
  }

  Answer get(String path, Map<String, String> query) throws IOException {
    return send("GET", path, query, null, null, null);
  }

  Answer get(String path) throws IOException {
    return get(path, Map.of());
  }

  /** A list with only the objects' metadata (labels, annotations), not their data. */
  Answer listMetadata(String path, Map<String, String> query) throws IOException {
    return send("GET", path, query, null, null, METADATA_ONLY);
  }

  Answer post(String path, Object body) throws IOException {
    return send("POST", path, Map.of(), JSON.writeValueAsBytes(body), "application/json", null);
  }

  Answer put(String path, Object body) throws IOException {
    return send("PUT", path, Map.of(), JSON.writeValueAsBytes(body), "application/json", null);
  }

  Answer mergePatch(String path, Object body) throws IOException {
    return send("PATCH", path, Map.of(), JSON.writeValueAsBytes(body), MERGE_PATCH, null);
  }

  Answer delete(String path, Object options) throws IOException {
    return send(
        "DELETE",
        path,
        Map.of(),
        options == null ? null : JSON.writeValueAsBytes(options),
        "application/json",
        null);
  }

  /** Requests sent (attempts), writes among them, and the bytes of the writes' bodies. */
  record Stats(long requests, long writes, long bytesWritten, long throttled) {}

  Stats stats() {
    return new Stats(requests.get(), writes.get(), bytesWritten.get(), throttled.get());
  }

  private Answer send(
      String method,
      String path,
      Map<String, String> query,
      byte[] body,
      String contentType,
      String accept)
      throws IOException {
    long until = System.nanoTime() + deadline.toNanos();
    boolean retried = false;
    for (int attempt = 1; ; attempt++) {
      Answer answer;
      IOException failure = null;
      try {
        answer = once(method, path, query, body, contentType, accept, retried);
      } catch (InterruptedIOException | FencedException e) {
        throw e;
      } catch (IOException e) {
        failure = e;
        answer = null;
      }
      boolean again = failure != null || answer.code() == 429 || answer.code() >= 500;
      if (!again) {
        return answer;
      }
      if (answer != null && answer.code() == 429) {
        throttled.incrementAndGet();
      }
      Duration wait = delay(attempt);
      if (System.nanoTime() + wait.toNanos() > until) {
        if (failure != null) {
          throw new IOException(
              method + " " + path + ": no answer from " + server() + ": " + failure.getMessage(),
              failure);
        }
        return answer;
      }
      // A 429 was refused before the request ran; no answer or a 5xx may hide a committed write.
      retried |= answer == null || answer.code() != 429;
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(method + " " + path + " interrupted");
      }
    }
  }

  private Answer once(
      String method,
      String path,
      Map<String, String> query,
      byte[] body,
      String contentType,
      String accept,
      boolean retried)
      throws IOException {
    List<Pair> params = new ArrayList<>();
    query.forEach((k, v) -> params.add(new Pair(k, v)));
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", accept == null ? "application/json" : accept);
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    okhttp3.Call call;
    try {
      call =
          client.buildCall(
              null,
              path,
              method,
              params,
              List.of(),
              body,
              headers,
              new HashMap<>(),
              new HashMap<>(),
              AUTH,
              null);
    } catch (ApiException e) {
      throw new IOException("building " + method + " " + path + ": " + e.getMessage(), e);
    }
    requests.incrementAndGet();
    if (body != null) {
      writes.incrementAndGet();
      bytesWritten.addAndGet(body.length);
    }
    try (okhttp3.Response response = call.execute()) {
      if (response.header(FenceInterceptors.FENCED_HEADER) != null) {
        throw new FencedException(
            JSON.readTree(response.body().bytes()).path("message").asText("refused"));
      }
      byte[] bytes = response.body() == null ? new byte[0] : response.body().bytes();
      JsonNode json;
      try {
        json = bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
      } catch (IOException e) {
        json = MissingNode.getInstance();
      }
      return new Answer(response.code(), json == null ? MissingNode.getInstance() : json, retried);
    }
  }

  /**
   * 200 ms doubling up to 5 s, plus up to half again at random, so that the callers a 429 turned
   * away do not come back together. API Priority and Fairness's Retry-After (1 s) is not waited for
   * as such: a seat freed sooner is taken sooner.
   */
  private static Duration delay(int attempt) {
    Duration doubled = FIRST_DELAY.multipliedBy(1L << Math.min(attempt - 1, 10));
    Duration base = doubled.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : doubled;
    return base.plusMillis(
        (long) (base.toMillis() * 0.5 * ThreadLocalRandom.current().nextDouble()));
  }
}
