package io.eksscheduler.sandbox.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.Request;
import okhttp3.Response;

/** Builds Kubernetes API clients from the sandbox's kubeconfigs, with bounded timeouts. */
public final class KubeClients {

  /** Connect, read and write timeout of every call; a sandbox call taking longer is a failure. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private KubeClients() {}

  /** A client authenticated as the kubeconfig's current user. */
  public static ApiClient fromKubeconfig(Path kubeconfig) {
    try (Reader reader = Files.newBufferedReader(kubeconfig)) {
      ApiClient client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
      client.setHttpClient(
          client
              .getHttpClient()
              .newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .readTimeout(CALL_TIMEOUT)
              .writeTimeout(CALL_TIMEOUT)
              .callTimeout(CALL_TIMEOUT.plusSeconds(5))
              .build());
      return client;
    } catch (IOException e) {
      throw new UncheckedIOException("reading kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
    }
  }

  /**
   * GETs a raw path such as {@code /readyz} and returns the status code and body; -1 and the error
   * text when the server cannot be reached.
   */
  public static RawResponse get(ApiClient client, String path) {
    Request request = new Request.Builder().url(client.getBasePath() + path).get().build();
    try (Response response = client.getHttpClient().newCall(request).execute()) {
      return new RawResponse(
          response.code(), response.body() == null ? "" : response.body().string());
    } catch (IOException e) {
      return new RawResponse(-1, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** A raw HTTP answer. */
  public record RawResponse(int status, String body) {
    public boolean ok() {
      return status == 200;
    }
  }
}
