package io.eksscheduler.sandbox.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the kubeconfig {@code aws eks update-kubeconfig} would: the cluster's endpoint and CA and
 * an exec credential plugin running {@code aws eks get-token}, so kubectl logs in with an IAM
 * identity (the environment's {@code AWS_*}) instead of a client certificate.
 *
 * <p>One addition: {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true} in the plugin's environment.
 * The sandbox points {@code AWS_ENDPOINT_URL} at the simulator, and the CLI would presign the token
 * for that URL; EKS's authenticator only accepts STS host names, so the token must name the
 * region's STS host, as it does outside the sandbox ({@code get-token} calls no endpoint itself).
 */
public final class AwsKubeconfig {

  private AwsKubeconfig() {}

  public static void write(
      Path file, String server, String caBase64, String region, String clusterName) {
    String text =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
            certificate-authority-data: %3$s
        users:
        - name: %1$s-aws
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: aws
              args: [--region, %4$s, eks, get-token, --cluster-name, %1$s, --output, json]
              env:
              - {name: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, value: "true"}
              interactiveMode: Never
        contexts:
        - name: %1$s
          context: {cluster: %1$s, user: %1$s-aws}
        current-context: %1$s
        """
            .formatted(clusterName, server, caBase64, region);
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
    }
  }
}
