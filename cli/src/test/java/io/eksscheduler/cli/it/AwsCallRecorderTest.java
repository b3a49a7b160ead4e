package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.eks.EksClient;

class AwsCallRecorderTest {

  @TempDir Path dir;

  @AfterEach
  void unset() {
    System.clearProperty(AwsCallRecorder.PROPERTY);
  }

  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>>
      B nowhere(B builder) {
    // Port 9 (discard) on loopback: refused at once; the operation is recorded before sending.
    return builder
        .endpointOverride(URI.create("http://127.0.0.1:9"))
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIA1", "secret")))
        .overrideConfiguration(
            o ->
                o.retryStrategy(AwsRetryStrategy.doNotRetry())
                    .apiCallTimeout(Duration.ofSeconds(10)));
  }

  @Test
  void everyOperationIsRecordedWithItsIamPrefix() throws Exception {
    Path calls = dir.resolve("calls");
    System.setProperty(AwsCallRecorder.PROPERTY, calls.toString());

    try (EksClient eks =
            nowhere(EksClient.builder()).httpClient(UrlConnectionHttpClient.create()).build();
        AutoScalingClient asg =
            nowhere(AutoScalingClient.builder())
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
      assertThrows(SdkClientException.class, () -> eks.describeCluster(r -> r.name("dev")));
      assertThrows(SdkClientException.class, asg::describeAutoScalingGroups);
    }

    assertEquals(
        List.of("eks:DescribeCluster", "autoscaling:DescribeAutoScalingGroups"),
        Files.readAllLines(calls));
  }
}
