package io.eksscheduler.sandbox.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Makes an EKS token the way {@code aws eks get-token} and aws-iam-authenticator do, with the AWS
 * SDK's own SigV4 signer: a GET {@code ?Action=GetCallerIdentity} to STS presigned for 60 s with
 * the header {@code x-k8s-aws-id: CLUSTER} signed, base64url-encoded after {@code k8s-aws-v1.}.
 */
public final class EksTokens {

  private EksTokens() {}

  public static String token(
      URI stsEndpoint,
      String region,
      String accessKeyId,
      String secretAccessKey,
      String cluster,
      Clock signingClock) {
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(stsEndpoint)
            .encodedPath("/")
            .putRawQueryParameter("Action", "GetCallerIdentity")
            .putRawQueryParameter("Version", "2011-06-15")
            .putHeader(TokenReviewer.CLUSTER_HEADER, cluster)
            .build();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsCredentialsIdentity.create(accessKeyId, secretAccessKey))
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(
                            AwsV4HttpSigner.AUTH_LOCATION,
                            AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(60))
                        .putProperty(HttpSigner.SIGNING_CLOCK, signingClock));
    String url = signed.request().getUri().toString();
    return TokenReviewer.PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(url.getBytes(StandardCharsets.UTF_8));
  }
}
