package io.eksscheduler.sandbox.it;

import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Real AWS SDK v2 clients pointed at the sandbox's simulator, as a user's code would be through
 * {@code AWS_ENDPOINT_URL}, and the simulator's admin paths (faults, settings).
 */
final class Aws {

  private final SimulatorConfig config;

  Aws(TestSandbox sandbox) {
    this.config = sandbox.aws();
  }

  SimulatorConfig config() {
    return config;
  }

  EksClient eks() {
    return configure(EksClient.builder(), "admin", defaultRetries()).build();
  }

  Ec2Client ec2() {
    return configure(Ec2Client.builder(), "admin", defaultRetries()).build();
  }

  AutoScalingClient autoScaling() {
    return configure(AutoScalingClient.builder(), "admin", defaultRetries()).build();
  }

  AutoScalingClient autoScaling(RetryStrategy retries) {
    return configure(AutoScalingClient.builder(), "admin", retries).build();
  }

  /** As {@link #autoScaling(RetryStrategy)}, with a shorter attempt timeout than 10 s. */
  AutoScalingClient autoScaling(RetryStrategy retries, Duration attemptTimeout) {
    return configure(AutoScalingClient.builder(), "admin", retries)
        .overrideConfiguration(
            o ->
                o.retryStrategy(retries)
                    .apiCallAttemptTimeout(attemptTimeout)
                    .apiCallTimeout(Duration.ofSeconds(60)))
        .build();
  }

  EksClient eks(RetryStrategy retries) {
    return configure(EksClient.builder(), "admin", retries).build();
  }

  StsClient sts(String identity) {
    return configure(StsClient.builder(), identity, defaultRetries()).build();
  }

  /** The SDK's standard retries with many attempts and short backoffs (faults are injected). */
  static RetryStrategy patientRetries() {
    BackoffStrategy fast =
        BackoffStrategy.exponentialDelay(Duration.ofMillis(10), Duration.ofMillis(100));
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(12)
        .backoffStrategy(fast)
        .throttlingBackoffStrategy(fast)
        .circuitBreakerEnabled(false)
        .build();
  }

  static RetryStrategy noRetries() {
    return AwsRetryStrategy.doNotRetry();
  }

  private static RetryStrategy defaultRetries() {
    return AwsRetryStrategy.standardRetryStrategy();
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(
      B builder, String identity, RetryStrategy retries) {
    AwsIdentity id = config.identity(identity);
    builder
        .endpointOverride(URI.create(config.endpointUrl()))
        .region(Region.of(config.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
        .overrideConfiguration(
            o ->
                o.retryStrategy(retries)
                    .apiCallAttemptTimeout(Duration.ofSeconds(10))
                    .apiCallTimeout(Duration.ofSeconds(60)));
    if (builder
        instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(
          UrlConnectionHttpClient.builder()
              .connectionTimeout(Duration.ofSeconds(5))
              .socketTimeout(Duration.ofSeconds(15)));
    }
    return builder;
  }

  /** PUTs JSON to an admin path such as {@code faults} and returns the answer. */
  String admin(String path, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(config.endpointUrl() + "/_sandbox/" + path))
            .timeout(Duration.ofSeconds(10));
    request = json == null ? request.GET() : request.PUT(HttpRequest.BodyPublishers.ofString(json));
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "/_sandbox/" + path + ": HTTP " + response.statusCode() + " " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("/_sandbox/" + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling /_sandbox/" + path, e);
    }
  }
}
