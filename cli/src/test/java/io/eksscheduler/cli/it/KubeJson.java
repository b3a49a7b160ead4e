package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Reads and deletes objects on the API server as raw JSON, so a test sees them exactly as stored
 * (the numbers of custom resources included) whatever their kind, without generated models. A read
 * that meets a dropped connection, throttling or a server error is tried again a few times: the
 * machine running the sandbox may be slow, and a flaky read proves nothing.
 */
final class KubeJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 5;

  private final ApiClient client;

  KubeJson(ApiClient client) {
    this.client = client;
  }

  ApiClient client() {
    return client;
  }

  /** The object at {@code path}, empty when the API server answers 404. */
  Optional<JsonNode> get(String path) {
    return send(new Request.Builder().url(client.getBasePath() + path).get().build(), path);
  }

  /**
   * The list at {@code path} ({@code items} and {@code metadata}); an empty list when the kind is
   * not served (404: its CRD is not installed).
   */
  JsonNode list(String path) {
    return get(path).orElseGet(() -> JSON.createObjectNode().set("items", JSON.createArrayNode()));
  }

  /** The items of the list at {@code path}. */
  List<JsonNode> items(String path) {
    List<JsonNode> out = new ArrayList<>();
    list(path).path("items").forEach(out::add);
    return out;
  }

  /**
   * Deletes what {@code path} names (an object, or a collection narrowed by a selector), as a
   * person with kubectl would; gone already is fine.
   */
  void delete(String path) {
    send(new Request.Builder().url(client.getBasePath() + path).delete().build(), path);
  }

  /** Replaces the object at {@code path} with {@code object} (a PUT); returns what was stored. */
  JsonNode put(String path, JsonNode object) {
    return write("PUT", path, object);
  }

  /** Creates {@code object} in the collection at {@code path} (a POST); returns what was stored. */
  JsonNode post(String path, JsonNode object) {
    return write("POST", path, object);
  }

  private JsonNode write(String method, String path, JsonNode object) {
    okhttp3.RequestBody body =
        okhttp3.RequestBody.create(
            object.toString(), okhttp3.MediaType.parse("application/json; charset=utf-8"));
    return send(
            new Request.Builder().url(client.getBasePath() + path).method(method, body).build(),
            path)
        .orElseThrow(() -> new IllegalStateException(method + " " + path + ": not found"));
  }

  private Optional<JsonNode> send(Request request, String path) {
    String last = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (Response response = client.getHttpClient().newCall(request).execute()) {
        String body = response.body() == null ? "" : response.body().string();
        if (response.code() == 404) {
          return Optional.empty();
        }
        if (response.isSuccessful()) {
          return Optional.of(JSON.readTree(body));
        }
        last = "HTTP " + response.code() + ": " + body;
        if (response.code() != 429 && response.code() < 500) {
          break;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      pause(attempt);
    }
    throw new IllegalStateException(request.method() + " " + path + " failed: " + last);
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(500L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a read", e);
    }
  }
}
