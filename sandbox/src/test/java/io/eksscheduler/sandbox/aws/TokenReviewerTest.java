package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpFullRequest;

/**
 * Each refused token differs from one EKS accepts in one respect only, the one
 * aws-iam-authenticator (pkg/token/token.go) or STS refuses it for.
 */
class TokenReviewerTest {

  private static final String KEY = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final AwsIdentity IDENTITY =
      new AwsIdentity(
          "t", "arn:aws:iam::111122223333:user/t", "AIDA1", KEY, SECRET, "t", List.of());
  private static final Instant NOW = Instant.parse("2026-12-07T00:30:00Z");
  private static final URI REGIONAL = URI.create("https://sts.eu-west-1.amazonaws.com");

  private static TokenReviewer.Review review(String region, String token) {
    RequestVerifier verifier =
        new RequestVerifier(
            k -> k.equals(KEY) ? Optional.of(IDENTITY) : Optional.empty(),
            Clock.fixed(NOW, ZoneOffset.UTC));
    return new TokenReviewer(verifier, "dev", region).review(token);
  }

  private static TokenReviewer.Review review(String token) {
    return review("eu-west-1", token);
  }

  private static String sign(SdkHttpFullRequest request, Duration expires) {
    return EksTokens.token(
        request, "eu-west-1", KEY, SECRET, expires, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static String sign(SdkHttpFullRequest.Builder request) {
    return sign(request.build(), Duration.ofSeconds(60));
  }

  private static String signedFor(String sts) {
    return sign(EksTokens.getCallerIdentity(URI.create(sts), "dev"));
  }

  private static void assertRefused(TokenReviewer.Review review, String because) {
    assertEquals(false, review.authenticated(), because);
    assertTrue(review.error().contains(because), review.error());
  }

  @Test
  void theRegionalTokenTheSdkPresignsIsAccepted() {
    assertEquals(IDENTITY, review(signedFor(REGIONAL.toString())).identity());
  }

  @Test
  void theGlobalFipsAndDualStackHostsAreAccepted() {
    for (String sts :
        List.of(
            "https://sts.amazonaws.com",
            "https://sts-fips.eu-west-1.amazonaws.com",
            "https://sts.eu-west-1.api.aws",
            "https://sts.us-east-2.amazonaws.com")) {
      assertEquals(IDENTITY, review(signedFor(sts)).identity(), sts);
    }
  }

  @Test
  void tokenLongerThan4096BytesIsRefused() {
    String token =
        sign(
            EksTokens.getCallerIdentity(REGIONAL, "dev")
                .putRawQueryParameter("X-Amz-Security-Token", "s".repeat(3000)));
    assertTrue(token.length() > 4096, "length " + token.length());
    assertRefused(review(token), "token is too large");
  }

  @Test
  void paddedBase64IsRefused() {
    String url = EksTokens.url(signedFor(REGIONAL.toString()));
    String padded =
        TokenReviewer.PREFIX
            + java.util.Base64.getUrlEncoder()
                .encodeToString((url + "#").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(padded.endsWith("="), padded);
    assertRefused(review(padded), "not base64url (unpadded) of a URL");
  }

  @Test
  void httpSchemeIsRefused() {
    assertRefused(
        review(signedFor("http://sts.eu-west-1.amazonaws.com")), "unexpected scheme \"http\"");
  }

  @Test
  void aLocalEndpointIsRefused() {
    assertRefused(review(signedFor("http://127.0.0.1:4566")), "unexpected scheme \"http\"");
    assertRefused(review(signedFor("https://127.0.0.1:4566")), "unexpected hostname");
  }

  @Test
  void aHostThatIsNoStsHostIsRefused() {
    assertRefused(
        review(signedFor("https://sts.eu-west-1.example.com")),
        "unexpected hostname \"sts.eu-west-1.example.com\"");
    assertRefused(
        review(signedFor("https://vpce-0a1b.sts.eu-west-1.vpce.amazonaws.com")),
        "unexpected hostname");
  }

  @Test
  void aHostWithAPortIsRefused() {
    assertRefused(
        review(signedFor("https://sts.eu-west-1.amazonaws.com:8443")), "unexpected hostname");
  }

  @Test
  void anotherPartitionsHostIsRefused() {
    assertRefused(
        review(signedFor("https://sts.cn-north-1.amazonaws.com.cn")),
        "partition {aws} does not support hostname sts.cn-north-1.amazonaws.com.cn");
    assertRefused(
        review("cn-north-1", signedFor("https://sts.amazonaws.com")),
        "global endpoint unsupported in partition aws-cn");
  }

  @Test
  void aPathOtherThanTheRootIsRefused() {
    assertRefused(
        review(sign(EksTokens.getCallerIdentity(REGIONAL, "dev").encodedPath("/sts"))),
        "unexpected path in pre-signed URL");
  }

  @Test
  void aParameterGivenTwiceIsRefused() {
    assertRefused(
        review(
            sign(
                EksTokens.getCallerIdentity(REGIONAL, "dev")
                    .putRawQueryParameter("Version", List.of("2011-06-15", "2011-06-15")))),
        "query parameter with multiple values not supported");
  }

  @Test
  void aParameterOutsideTheAllowedOnesIsRefused() {
    assertRefused(
        review(
            sign(
                EksTokens.getCallerIdentity(REGIONAL, "dev")
                    .putRawQueryParameter("RoleArn", "arn:aws:iam::1:role/x"))),
        "non-whitelisted query parameter \"RoleArn\"");
  }

  @Test
  void anotherActionIsRefused() {
    assertRefused(
        review(
            sign(
                EksTokens.getCallerIdentity(REGIONAL, "dev")
                    .putRawQueryParameter("Action", "GetSessionToken"))),
        "unexpected action parameter");
  }

  @Test
  void anotherOrNoVersionIsRefused() {
    assertRefused(
        review(
            sign(
                EksTokens.getCallerIdentity(REGIONAL, "dev")
                    .putRawQueryParameter("Version", "2010-05-08"))),
        "for version 2010-05-08");
    assertRefused(
        review(sign(EksTokens.getCallerIdentity(REGIONAL, "dev").removeQueryParameter("Version"))),
        "for version null");
  }

  @Test
  void anUnsignedClusterHeaderIsRefused() {
    assertRefused(
        review(sign(EksTokens.getCallerIdentity(REGIONAL, "dev").removeHeader("x-k8s-aws-id"))),
        "client did not sign the x-k8s-aws-id header");
  }

  @Test
  void anotherClustersTokenIsRefused() {
    assertRefused(
        review(sign(EksTokens.getCallerIdentity(REGIONAL, "prod"))),
        "signature we calculated does not match");
  }

  @Test
  void expiresOver900SecondsIsRefusedAnd900IsAccepted() {
    SdkHttpFullRequest request = EksTokens.getCallerIdentity(REGIONAL, "dev").build();
    assertRefused(
        review(sign(request, Duration.ofSeconds(901))),
        "invalid X-Amz-Expires parameter in pre-signed URL: 901");
    assertEquals(IDENTITY, review(sign(request, Duration.ofSeconds(900))).identity());
  }

  @Test
  void aMissingExpiresOrDateIsRefused() {
    String url = EksTokens.url(signedFor(REGIONAL.toString()));
    assertRefused(
        review(EksTokens.encode(url.replaceAll("&X-Amz-Expires=[0-9]+", ""))),
        "invalid X-Amz-Expires parameter");
    assertRefused(
        review(EksTokens.encode(url.replaceAll("&X-Amz-Date=[0-9TZ]+", ""))),
        "X-Amz-Date parameter must be present");
  }

  @Test
  void aTokenSigned15MinutesAgoIsRefused() {
    String token =
        EksTokens.token(
            REGIONAL,
            "eu-west-1",
            KEY,
            SECRET,
            "dev",
            Clock.fixed(NOW.minus(Duration.ofMinutes(15)).minusSeconds(1), ZoneOffset.UTC));
    assertRefused(review(token), "X-Amz-Date parameter is expired (15 minute expiration)");
  }
}
