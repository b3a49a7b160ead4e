package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * STS AssumeRole through the real SDK: a session acts as its role, needs its session token, and
 * expires; a role has no access key of its own; only roles can be assumed.
 */
@ExtendWith(SandboxExtension.class)
class AssumeRoleIT {
  private static final String ROLE = "arn:aws:iam::111122223333:role/eks-scheduler";

  @Test
  void aSessionActsAsItsRoleAndNeedsItsToken(TestSandbox sandbox) {
    Aws aws = new Aws(sandbox);
    AssumeRoleResponse assumed;
    try (StsClient viewer = aws.sts("viewer")) {
      assumed =
          viewer.assumeRole(r -> r.roleArn(ROLE).roleSessionName("nightly").durationSeconds(900));
    }
    Credentials c = assumed.credentials();
    assertTrue(c.accessKeyId().startsWith("ASIA"), c.accessKeyId());
    Duration left = Duration.between(Instant.now(), c.expiration());
    assertTrue(left.compareTo(Duration.ofSeconds(890)) > 0, left.toString());
    assertTrue(left.compareTo(Duration.ofSeconds(901)) < 0, left.toString());
    String sessionArn = "arn:aws:sts::111122223333:assumed-role/eks-scheduler/nightly";
    assertEquals(sessionArn, assumed.assumedRoleUser().arn());

    var session =
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    try (StsClient sts = sts(aws, session);
        EksClient eks = eks(aws, session)) {
      assertEquals(sessionArn, sts.getCallerIdentity().arn());
      assertEquals("dev", eks.describeCluster(r -> r.name("dev")).cluster().name());
    }

    // The same key without its session token, or with another, is not a valid key.
    for (AwsCredentials wrong :
        new AwsCredentials[] {
          AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()),
          AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), "forged")
        }) {
      try (StsClient sts = sts(aws, wrong)) {
        StsException e = assertThrows(StsException.class, sts::getCallerIdentity);
        assertEquals("InvalidClientTokenId", e.awsErrorDetails().errorCode());
      }
    }
    // A role's generated key pair is never accepted: roles have no long-term keys in IAM.
    var role = aws.config().identity("fleet-role");
    try (StsClient sts =
        sts(aws, AwsBasicCredentials.create(role.accessKeyId(), role.secretAccessKey()))) {
      StsException e = assertThrows(StsException.class, sts::getCallerIdentity);
      assertEquals("InvalidClientTokenId", e.awsErrorDetails().errorCode());
    }
  }

  @Test
  void onlyARoleCanBeAssumedWithinTheModelsLimits(TestSandbox sandbox) {
    try (StsClient viewer = new Aws(sandbox).sts("viewer")) {
      StsException user =
          assertThrows(
              StsException.class,
              () ->
                  viewer.assumeRole(
                      r ->
                          r.roleArn("arn:aws:iam::111122223333:user/alice").roleSessionName("s1")));
      assertEquals(403, user.statusCode());
      assertEquals("AccessDenied", user.awsErrorDetails().errorCode());
      StsException tooShort =
          assertThrows(
              StsException.class,
              () ->
                  viewer.assumeRole(
                      r -> r.roleArn(ROLE).roleSessionName("s").durationSeconds(899)));
      assertEquals("ValidationError", tooShort.awsErrorDetails().errorCode());
    }
  }

  private static StsClient sts(Aws aws, AwsCredentials credentials) {
    return client(StsClient.builder(), aws, credentials);
  }

  private static EksClient eks(Aws aws, AwsCredentials credentials) {
    return client(EksClient.builder(), aws, credentials);
  }

  /** A client of the simulator with {@code credentials}, not retried (refusals are expected). */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
      B builder, Aws aws, AwsCredentials credentials) {
    return builder
        .endpointOverride(URI.create(aws.config().endpointUrl()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }
}
