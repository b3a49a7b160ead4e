package io.eksscheduler.cli;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadata;

/**
 * Makes the bearer tokens EKS accepts, as {@code aws eks get-token} does, so no AWS CLI is needed:
 * an STS {@code GetCallerIdentity} URL presigned with the AWS credentials, the header {@code
 * x-k8s-aws-id: CLUSTER} signed in, base64url-encoded after {@code k8s-aws-v1.}. EKS accepts such a
 * token for 15 minutes after signing; a token is reused for 10 and then signed afresh, with the
 * credentials of that moment (rotated credentials are picked up).
 */
final class EksTokens {
  static final String PREFIX = "k8s-aws-v1.";
  private static final String CLUSTER_HEADER = "x-k8s-aws-id";
  private static final Duration REUSE = Duration.ofMinutes(10);

  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final URI sts;
  private final String cluster;
  private final Clock clock;
  private String token;
  private Instant signedAt;

  EksTokens(
      AwsCredentialsProvider credentials, Region region, URI sts, String cluster, Clock clock) {
    this.credentials = credentials;
    this.region = region;
    this.sts = sts;
    this.cluster = cluster;
    this.clock = clock;
  }

  /**
   * The STS endpoint a token names: the region's own ({@code https://sts.REGION.DOMAIN} in its
   * partition's domain). The tool never calls it; EKS's authenticator does, and refuses a token
   * naming any other host, so {@code AWS_ENDPOINT_URL_STS} and {@code AWS_ENDPOINT_URL}, which the
   * tool's own AWS calls follow, are no choice here (a local or VPC endpoint name would be refused:
   * aws-iam-authenticator's pkg/token/token.go, {@code verifySTSHostnameFormat}).
   */
  static URI stsEndpoint(Region region) {
    return URI.create("https://" + ServiceMetadata.of("sts").endpointFor(region));
  }

  /** A token valid now, signed afresh when the last one is 10 minutes old. */
  synchronized String current() {
    Instant now = clock.instant();
    if (token == null || !now.isBefore(signedAt.plus(REUSE))) {
      token = sign();
      signedAt = now;
    }
    return token;
  }

  private String sign() {
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(sts)
            .encodedPath("/")
            .putRawQueryParameter("Action", "GetCallerIdentity")
            .putRawQueryParameter("Version", "2011-06-15")
            .putHeader(CLUSTER_HEADER, cluster)
            .build();
    String url =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(credentials.resolveCredentials())
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                        .putProperty(
                            AwsV4HttpSigner.AUTH_LOCATION,
                            AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(60))
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
            .request()
            .getUri()
            .toString();
    return PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(url.getBytes(StandardCharsets.UTF_8));
  }
}
