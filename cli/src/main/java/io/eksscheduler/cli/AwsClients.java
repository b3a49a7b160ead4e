package io.eksscheduler.cli;

import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Makes the AWS clients the way every AWS SDK does: the default credential chain and region, and
 * {@code AWS_ENDPOINT_URL} when set; every call bounded, throttling and 5xx retried by the SDK's
 * standard retry policy.
 */
final class AwsClients {
  private static final ClientOverrideConfiguration BOUNDED =
      ClientOverrideConfiguration.builder()
          .apiCallAttemptTimeout(Duration.ofSeconds(20))
          .apiCallTimeout(Duration.ofMinutes(2))
          .build();

  private AwsClients() {}

  static EksClient eks() {
    return EksClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(BOUNDED)
        .build();
  }

  static AutoScalingClient autoScaling() {
    return AutoScalingClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(BOUNDED)
        .build();
  }
}
