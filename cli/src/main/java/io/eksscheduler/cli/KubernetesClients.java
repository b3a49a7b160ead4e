package io.eksscheduler.cli;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Makes the Kubernetes client the usual way: {@code $KUBECONFIG}, else {@code ~/.kube/config}, else
 * the pod's service account (in-cluster), with every request bounded by timeouts.
 */
final class KubernetesClients {
  private static final int CONNECT_MILLIS = 10_000;
  private static final int READ_MILLIS = 60_000;

  private KubernetesClients() {}

  static ApiClient fromEnvironment(Map<String, String> env) {
    try {
      ApiClient client;
      String kubeconfig = env.get("KUBECONFIG");
      Path home =
          Paths.get(env.getOrDefault("HOME", System.getProperty("user.home")), ".kube", "config");
      if (kubeconfig != null && !kubeconfig.isBlank()) {
        // Only the first file of a KUBECONFIG list is read.
        String first = kubeconfig.split(java.io.File.pathSeparator)[0];
        client = Config.fromConfig(first);
      } else if (Files.isRegularFile(home)) {
        client = Config.fromConfig(home.toString());
      } else if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
        client = Config.fromCluster();
      } else {
        throw new IllegalStateException(
            "no Kubernetes cluster configured: set KUBECONFIG, create ~/.kube/config, or run in a"
                + " pod");
      }
      return client
          .setConnectTimeout(CONNECT_MILLIS)
          .setReadTimeout(READ_MILLIS)
          .setWriteTimeout(READ_MILLIS);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the Kubernetes configuration: " + e.getMessage(), e);
    }
  }
}
