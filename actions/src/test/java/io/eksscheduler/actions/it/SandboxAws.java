package io.eksscheduler.actions.it;

import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Points a real AWS SDK client at the sandbox's simulator, as the admin identity, with the command
 * line's timeouts.
 */
final class SandboxAws {
  private SandboxAws() {}

  static <B extends AwsClientBuilder<B, ?>> B configure(B builder, SimulatorConfig config) {
    return configure(builder, config, true);
  }

  /** As {@link #configure(AwsClientBuilder, SimulatorConfig)}, with the SDK's retries or none. */
  static <B extends AwsClientBuilder<B, ?>> B configure(
      B builder, SimulatorConfig config, boolean sdkRetries) {
    AwsIdentity id = config.identity("admin");
    builder
        .endpointOverride(URI.create(config.endpointUrl()))
        .region(Region.of(config.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
        .overrideConfiguration(
            o -> {
              o.apiCallAttemptTimeout(Duration.ofSeconds(20)).apiCallTimeout(Duration.ofMinutes(2));
              if (!sdkRetries) {
                o.retryStrategy(AwsRetryStrategy.doNotRetry());
              }
            });
    if (builder instanceof AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(UrlConnectionHttpClient.builder());
    }
    return builder;
  }
}
