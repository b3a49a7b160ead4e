package io.eksscheduler.cli;

import io.eksscheduler.cli.store.Fence;
import io.eksscheduler.cli.store.FenceInterceptors;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * Makes the Kubernetes client the usual way: {@code $KUBECONFIG}, else {@code ~/.kube/config}, else
 * the pod's service account (in-cluster); or straight from the EKS cluster (its endpoint and CA
 * from DescribeCluster, a token presigned with the AWS credentials). Every request is bounded by
 * timeouts.
 */
final class KubernetesClients {
  private static final int CONNECT_MILLIS = 10_000;
  private static final int READ_MILLIS = 60_000;

  private KubernetesClients() {}

  /** True when a kubeconfig or the pod's service account is there to be used. */
  static boolean configured(Map<String, String> env) {
    String kubeconfig = env.get("KUBECONFIG");
    return (kubeconfig != null && !kubeconfig.isBlank())
        || Files.isRegularFile(homeConfig(env))
        || env.containsKey("KUBERNETES_SERVICE_HOST");
  }

  private static Path homeConfig(Map<String, String> env) {
    return Paths.get(env.getOrDefault("HOME", System.getProperty("user.home")), ".kube", "config");
  }

  /**
   * A client for EKS cluster {@code cluster} made from what DescribeCluster returns (endpoint and
   * certificate authority), each request carrying a token from {@code tokens}.
   */
  static ApiClient fromEks(EksClient eks, String cluster, EksTokens tokens) {
    Cluster c;
    try {
      c = eks.describeCluster(r -> r.name(cluster)).cluster();
    } catch (ResourceNotFoundException e) {
      throw new IllegalStateException(
          "EKS cluster "
              + cluster
              + " does not exist in this account and region (check --region or AWS_REGION)");
    } catch (SdkException e) {
      throw new IllegalStateException(
          "logging in to EKS cluster " + cluster + ": " + e.getMessage());
    }
    if (c.endpoint() == null || c.certificateAuthority() == null) {
      throw new IllegalStateException(
          "EKS cluster " + cluster + " has no API server endpoint yet (status " + c.status() + ")");
    }
    ApiClient client =
        new ClientBuilder()
            .setBasePath(c.endpoint())
            .setCertificateAuthority(Base64.getDecoder().decode(c.certificateAuthority().data()))
            .setVerifyingSsl(true)
            .build();
    client.setHttpClient(
        client
            .getHttpClient()
            .newBuilder()
            .addInterceptor(
                chain ->
                    chain.proceed(
                        chain
                            .request()
                            .newBuilder()
                            .header("Authorization", "Bearer " + tokens.current())
                            .build()))
            .build());
    return bounded(client);
  }

  private static ApiClient bounded(ApiClient client) {
    return client
        .setConnectTimeout(CONNECT_MILLIS)
        .setReadTimeout(READ_MILLIS)
        .setWriteTimeout(READ_MILLIS);
  }

  /**
   * {@code client} with every mutating request refused once {@code fence} trips (answered 403 by
   * the client itself, never sent), and a user agent naming this runner.
   */
  static ApiClient fenced(ApiClient client, Fence fence, String runner) {
    client.setHttpClient(
        client
            .getHttpClient()
            .newBuilder()
            .addInterceptor(FenceInterceptors.kubernetes(fence))
            .build());
    return client.setUserAgent(runner);
  }

  /**
   * A client for kubeconfig context {@code context} ({@code $KUBECONFIG}'s first file, else
   * ~/.kube/config), or for the pod's own cluster when {@code context} is {@code in-cluster}.
   */
  static ApiClient fromContext(Map<String, String> env, String context) {
    try {
      if ("in-cluster".equals(context)) {
        return bounded(Config.fromCluster());
      }
      String kubeconfig = env.get("KUBECONFIG");
      Path file =
          kubeconfig != null && !kubeconfig.isBlank()
              ? Paths.get(kubeconfig.split(java.io.File.pathSeparator)[0])
              : homeConfig(env);
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException(
            "--state-context " + context + ": no kubeconfig at " + file);
      }
      io.kubernetes.client.util.KubeConfig config;
      try (java.io.Reader reader = Files.newBufferedReader(file)) {
        config = io.kubernetes.client.util.KubeConfig.loadKubeConfig(reader);
      }
      config.setFile(file.toFile());
      if (!config.setContext(context)) {
        throw new IllegalStateException(
            "--state-context " + context + ": no such context in " + file);
      }
      return bounded(ClientBuilder.kubeconfig(config).build());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "reading the kubeconfig for --state-context " + context + ": " + e.getMessage(), e);
    }
  }

  static ApiClient fromEnvironment(Map<String, String> env) {
    try {
      ApiClient client;
      String kubeconfig = env.get("KUBECONFIG");
      Path home = homeConfig(env);
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
      return bounded(client);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the Kubernetes configuration: " + e.getMessage(), e);
    }
  }
}
