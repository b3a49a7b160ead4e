package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Fleet;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the fleet's webhook URL from the environment or from a Secret; the URL is never printed.
 */
final class WebhookUrls {
  private WebhookUrls() {}

  /**
   * The URL {@code from} names, read from {@code env} or from a Secret of the namespace this runs
   * in.
   *
   * @throws IllegalArgumentException when it is not set, cannot be read, or is not a URL
   */
  static URI read(Fleet.UrlSource from, Map<String, String> env) {
    if (from.env().isPresent()) {
      String name = from.env().get();
      String value = env.get(name);
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("the environment variable " + name + " is not set");
      }
      return Notifier.parse(value, "the environment variable " + name);
    }
    String secret = from.secretName().orElseThrow();
    String key = from.secretKey().orElseThrow();
    String namespace = runnerNamespace();
    String where = "key " + key + " of Secret " + namespace + "/" + secret;
    try {
      ApiClient client = KubernetesClients.fromEnvironment(env);
      V1Secret s = new CoreV1Api(client).readNamespacedSecret(secret, namespace).execute();
      byte[] value = s.getData() == null ? null : s.getData().get(key);
      if (value == null) {
        throw new IllegalArgumentException("the " + where + " does not exist");
      }
      return Notifier.parse(new String(value, StandardCharsets.UTF_8), "the " + where);
    } catch (ApiException e) {
      throw new IllegalArgumentException("cannot read the " + where + ": HTTP " + e.getCode());
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException i) {
        throw i;
      }
      throw new IllegalArgumentException("cannot read the " + where + ": " + e.getMessage());
    }
  }

  /** The namespace of the pod this runs in, else {@code default}. */
  private static String runnerNamespace() {
    Path file = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    try {
      return Files.isReadable(file) ? Files.readString(file).trim() : "default";
    } catch (IOException e) {
      return "default";
    }
  }
}
