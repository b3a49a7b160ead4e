package io.eksscheduler.cli;

import io.eksscheduler.cli.store.Fence;
import io.eksscheduler.cli.store.FenceInterceptors;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Makes the AWS clients the way every AWS SDK does: the default credential chain and region, and
 * {@code AWS_ENDPOINT_URL} when set; every call bounded, throttling and 5xx retried by the SDK's
 * standard retry policy.
 */
final class AwsClients {
  private AwsClients() {}

  /**
   * Every call bounded; every mutating call refused once {@code fence} trips; the user agent naming
   * this runner, so that a request log tells runners apart.
   */
  private static ClientOverrideConfiguration bounded(Fence fence, String runner) {
    return ClientOverrideConfiguration.builder()
        .apiCallAttemptTimeout(Duration.ofSeconds(20))
        .apiCallTimeout(Duration.ofMinutes(2))
        .addExecutionInterceptor(FenceInterceptors.aws(fence))
        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, runner)
        .build();
  }

  /** The EKS client, in {@code region} or, when null, the SDK's default region. */
  static EksClient eks(
      Region region, AwsCredentialsProvider credentials, Fence fence, String runner) {
    return build(EksClient.builder(), region, credentials, fence, runner);
  }

  /** The Auto Scaling client, in {@code region} or, when null, the SDK's default region. */
  static AutoScalingClient autoScaling(
      Region region, AwsCredentialsProvider credentials, Fence fence, String runner) {
    return build(AutoScalingClient.builder(), region, credentials, fence, runner);
  }

  /** The EC2 client (launch templates), in {@code region} or, when null, the default region. */
  static Ec2Client ec2(
      Region region, AwsCredentialsProvider credentials, Fence fence, String runner) {
    return build(Ec2Client.builder(), region, credentials, fence, runner);
  }

  /** A client of {@code builder}: bounded, fenced, in {@code region} or the default one. */
  private static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(
      B builder, Region region, AwsCredentialsProvider credentials, Fence fence, String runner) {
    builder
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(bounded(fence, runner));
    return (region == null ? builder : builder.region(region)).build();
  }

  /** The STS client, in {@code region}, with {@code credentials}. */
  static StsClient sts(Region region, AwsCredentialsProvider credentials, String runner) {
    return StsClient.builder()
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create())
        .region(region)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(Duration.ofSeconds(20))
                .apiCallTimeout(Duration.ofMinutes(2))
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, runner)
                .build())
        .build();
  }

  /** Credentials of {@code roleArn}, assumed with {@code own}, renewed before they expire. */
  static AwsCredentialsProvider assumedRole(
      String roleArn, String session, AwsCredentialsProvider own, Region region, String runner) {
    return StsAssumeRoleCredentialsProvider.builder()
        .stsClient(sts(region, own, runner))
        .refreshRequest(b -> b.roleArn(roleArn).roleSessionName(session))
        .build();
  }

  /** {@code region}, else the SDK's default (AWS_REGION, the profile's region, ...). */
  static Region region(Region region) {
    if (region != null) {
      return region;
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      throw new UserError(
          "no AWS region: pass --region, set AWS_REGION, or set a region in the AWS profile");
    }
  }
}
