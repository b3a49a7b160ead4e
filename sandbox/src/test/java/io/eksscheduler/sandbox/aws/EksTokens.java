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
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Makes an EKS token the way {@code aws eks get-token} and aws-iam-authenticator do, with the AWS
 * SDK's own SigV4 signer: a GET {@code ?Action=GetCallerIdentity} to STS presigned for 60 s with
 * the header {@code x-k8s-aws-id: CLUSTER} signed, base64url-encoded after {@code k8s-aws-v1.}.
 */
public final class EksTokens {

  private EksTokens() {}

  /** The regional STS endpoint a token names, the host EKS's authenticator calls. */
  public static URI sts(String region) {
    return URI.create(
        "https://sts."
            + region
            + (region.startsWith("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com"));
  }

  public static String token(
      URI stsEndpoint,
      String region,
      String accessKeyId,
      String secretAccessKey,
      String cluster,
      Clock signingClock) {
    return token(
        getCallerIdentity(stsEndpoint, cluster).build(),
        region,
        accessKeyId,
        secretAccessKey,
        Duration.ofSeconds(60),
        signingClock);
  }

  /** The request a token presigns, for a test to change one thing of before signing. */
  public static SdkHttpFullRequest.Builder getCallerIdentity(URI stsEndpoint, String cluster) {
    return SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.GET)
        .uri(stsEndpoint)
        .encodedPath("/")
        .putRawQueryParameter("Action", "GetCallerIdentity")
        .putRawQueryParameter("Version", "2011-06-15")
        .putHeader(TokenReviewer.CLUSTER_HEADER, cluster);
  }

  /** {@code request} presigned for {@code expires} with the SDK's signer, as a token. */
  public static String token(
      SdkHttpFullRequest request,
      String region,
      String accessKeyId,
      String secretAccessKey,
      Duration expires,
      Clock signingClock) {
    return encode(
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
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, expires)
                        .putProperty(HttpSigner.SIGNING_CLOCK, signingClock))
            .request()
            .getUri()
            .toString());
  }

  /** {@code url} as a token: base64url without padding after {@code k8s-aws-v1.}. */
  public static String encode(String url) {
    return TokenReviewer.PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(url.getBytes(StandardCharsets.UTF_8));
  }

  /** The URL a token carries. */
  public static String url(String token) {
    return new String(
        Base64.getUrlDecoder().decode(token.substring(TokenReviewer.PREFIX.length())),
        StandardCharsets.UTF_8);
  }
}
