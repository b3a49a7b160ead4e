package io.eksscheduler.actions.it;

import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/** Points a real AWS SDK client at the sandbox's simulator, as the admin identity, bounded. */
final class SandboxAws {
  private SandboxAws() {}

  static <B extends AwsClientBuilder<B, ?>> B configure(B builder, SimulatorConfig config) {
    AwsIdentity id = config.identity("admin");
    builder
        .endpointOverride(URI.create(config.endpointUrl()))
        .region(Region.of(config.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
        .overrideConfiguration(
            o ->
                o.apiCallAttemptTimeout(Duration.ofSeconds(10))
                    .apiCallTimeout(Duration.ofSeconds(60)));
    if (builder instanceof AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(UrlConnectionHttpClient.builder());
    }
    return builder;
  }
}
