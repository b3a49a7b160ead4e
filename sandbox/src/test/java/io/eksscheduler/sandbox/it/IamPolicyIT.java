package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.SandboxIdentity;
import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.AccessDeniedException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * An identity restricted by an IAM policy gets, through the real AWS SDK v2 clients, the exceptions
 * AWS raises for what the policy does not allow, and nothing else changes for it.
 */
@ExtendWith(SandboxExtension.class)
class IamPolicyIT {

  private static final String DESCRIBE_ONLY =
      """
      {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["eks:Describe*", "eks:ListNodegroups"],
         "Resource": ["arn:aws:eks:*:*:cluster/*", "arn:aws:eks:*:*:nodegroup/*/*/*"]}
      ]}
      """;

  private SandboxIdentity operator;

  @BeforeEach
  void restrictTheOperator(TestSandbox sandbox) {
    operator = SandboxIdentity.of(sandbox.sandbox(), "operator");
    operator.usePolicy(DESCRIBE_ONLY);
  }

  @AfterEach
  void freeTheOperator() {
    operator.dropPolicy();
  }

  /** A client acting as the operator, without retries (a refusal is final). */
  private <B extends AwsClientBuilder<B, ?>> B client(B builder, TestSandbox sandbox) {
    AwsIdentity id = operator.identity();
    builder
        .endpointOverride(URI.create(sandbox.aws().endpointUrl()))
        .region(Region.of(sandbox.aws().region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
        .overrideConfiguration(
            o ->
                o.retryStrategy(AwsRetryStrategy.doNotRetry())
                    .apiCallTimeout(Duration.ofSeconds(30)));
    if (builder instanceof AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(UrlConnectionHttpClient.builder());
    }
    return builder;
  }

  @Test
  void aCallThePolicyDoesNotAllowRaisesAccessDeniedNamingActionAndResource(TestSandbox sandbox)
      throws Exception {
    try (EksClient eks = client(EksClient.builder(), sandbox).build()) {
      String arn =
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("general"))
              .nodegroup()
              .nodegroupArn();

      AccessDeniedException e =
          assertThrows(
              AccessDeniedException.class,
              () ->
                  eks.updateNodegroupConfig(
                      r ->
                          r.clusterName("dev")
                              .nodegroupName("general")
                              .scalingConfig(c -> c.desiredSize(0))));

      assertEquals(403, e.statusCode());
      assertEquals(
          "User: arn:aws:iam::111122223333:user/eks-scheduler-operator is not authorized to"
              + " perform: eks:UpdateNodegroupConfig on resource: "
              + arn
              + " because no identity-based policy allows the eks:UpdateNodegroupConfig action",
          e.awsErrorDetails().errorMessage());
    }
    String log = Files.readString(sandbox.awsRequestLog());
    assertTrue(
        log.lines()
            .anyMatch(
                l ->
                    l.contains("\"UpdateNodegroupConfig\"")
                        && l.contains("eks-scheduler-operator")
                        && l.contains("403")
                        && l.contains("AccessDeniedException")),
        "the refused call is in the request log");
  }

  @Test
  void aRefusedAutoScalingCallIsTheServicesAccessDenied(TestSandbox sandbox) {
    try (AutoScalingClient asg = client(AutoScalingClient.builder(), sandbox).build()) {
      AutoScalingException e =
          assertThrows(AutoScalingException.class, asg::describeAutoScalingGroups);

      assertEquals(403, e.statusCode());
      assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
      assertEquals(
          "User: arn:aws:iam::111122223333:user/eks-scheduler-operator is not authorized to"
              + " perform: autoscaling:DescribeAutoScalingGroups because no identity-based policy"
              + " allows the autoscaling:DescribeAutoScalingGroups action",
          e.awsErrorDetails().errorMessage());
    }
  }

  @Test
  void whoAmIIsAlwaysAnsweredAndDroppingThePolicyAllowsEverythingAgain(TestSandbox sandbox) {
    try (StsClient sts = client(StsClient.builder(), sandbox).build();
        AutoScalingClient asg = client(AutoScalingClient.builder(), sandbox).build()) {
      assertEquals(operator.identity().arn(), sts.getCallerIdentity().arn());

      operator.dropPolicy();

      assertFalse(operator.policy().isPresent());
      assertFalse(asg.describeAutoScalingGroups().autoScalingGroups().isEmpty());
    }
  }

  @Test
  void aPolicyTheSandboxCannotEvaluateIsRefusedWhenSet() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                operator.usePolicy(
                    "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"eks:*\","
                        + " \"Resource\": \"*\", \"Condition\": {\"DateLessThan\":"
                        + " {\"aws:CurrentTime\": \"2030-01-01T00:00:00Z\"}}}}"));

    assertTrue(e.getMessage().contains("DateLessThan"), e.getMessage());
    assertTrue(operator.policy().isPresent(), "the policy in force is kept");
  }
}
