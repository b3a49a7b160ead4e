package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class SigV4Test {

  private static final String KEY = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final AwsIdentity IDENTITY =
      new AwsIdentity(
          "t", "arn:aws:iam::111122223333:user/t", "AIDA1", KEY, SECRET, "t", List.of());
  private static final Instant NOW = Instant.parse("2015-08-30T12:36:00Z");

  private static RequestVerifier verifier(Instant now) {
    return new RequestVerifier(
        k -> k.equals(KEY) ? Optional.of(IDENTITY) : Optional.empty(),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void awsTestSuiteVectorGetVanillaIsReproduced() {
    // aws-sig-v4-test-suite/get-vanilla: the published canonical request and signature.
    SigV4.WireRequest request =
        new SigV4.WireRequest(
            "GET",
            "/",
            "",
            Map.of(
                "Host",
                List.of("example.amazonaws.com"),
                "X-Amz-Date",
                List.of("20150830T123600Z")),
            SigV4.EMPTY_SHA256);
    String canonical = SigV4.canonicalRequest(request, List.of("host", "x-amz-date"), null);
    SigV4.Credential credential =
        SigV4.Credential.parse(KEY + "/20150830/us-east-1/service/aws4_request");

    String signature =
        SigV4.signature(
            SECRET,
            credential,
            SigV4.stringToSign("20150830T123600Z", credential.scope(), canonical));

    assertEquals(
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            + SigV4.EMPTY_SHA256,
        canonical);
    assertEquals("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
  }

  @Test
  void requestSignedByTheAwsSdkVerifies() {
    SdkHttpRequest signed = sdkSigned("{\"tags\":{\"a\":\"b\"}}");

    RequestVerifier.Verified verified =
        verifier(NOW)
            .verifyHeader(
                "POST",
                signed.encodedPath(),
                signed.encodedQueryParameters().orElse(null),
                signed.headers(),
                "{\"tags\":{\"a\":\"b\"}}".getBytes(StandardCharsets.UTF_8));

    assertEquals("eks", verified.credential().service());
    assertEquals(IDENTITY, verified.identity());
  }

  @Test
  void tamperedBodyIsRefusedAsABadSignature() {
    SdkHttpRequest signed = sdkSigned("{\"tags\":{\"a\":\"b\"}}");

    RequestVerifier.Refused refused =
        assertThrows(
            RequestVerifier.Refused.class,
            () ->
                verifier(NOW)
                    .verifyHeader(
                        "POST",
                        signed.encodedPath(),
                        signed.encodedQueryParameters().orElse(null),
                        signed.headers(),
                        "{\"tags\":{\"a\":\"c\"}}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(RequestVerifier.Failure.BAD_SIGNATURE, refused.failure());
  }

  @Test
  void requestSignedTwentyMinutesAgoIsExpired() {
    SdkHttpRequest signed = sdkSigned("{}");

    RequestVerifier.Refused refused =
        assertThrows(
            RequestVerifier.Refused.class,
            () ->
                verifier(NOW.plusSeconds(1200))
                    .verifyHeader(
                        "POST",
                        signed.encodedPath(),
                        signed.encodedQueryParameters().orElse(null),
                        signed.headers(),
                        "{}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(RequestVerifier.Failure.EXPIRED, refused.failure());
  }

  /** An EKS TagResource call as the SDK sends it: an ARN path label and a repeated query key. */
  private static SdkHttpRequest sdkSigned(String body) {
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(EksTokens.sts("eu-west-1"))
            .encodedPath("/tags/arn%3Aaws%3Aeks%3Aeu-west-1%3A111122223333%3Acluster%2Fdev")
            .appendRawQueryParameter("tagKeys", "b c")
            .appendRawQueryParameter("tagKeys", "a")
            .putHeader("Content-Type", "application/json")
            .build();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(AwsCredentialsIdentity.create(KEY, SECRET))
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(bytes))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "eks")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)))
        .request();
  }

  @Test
  void presignedTokenOfTheSdkSignerIsAcceptedForItsClusterOnly() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    String token =
        EksTokens.token(EksTokens.sts("eu-west-1"), "eu-west-1", KEY, SECRET, "dev", clock);

    assertEquals(
        IDENTITY, new TokenReviewer(verifier(NOW), "dev", "eu-west-1").review(token).identity());
    assertEquals(
        false,
        new TokenReviewer(verifier(NOW), "prod", "eu-west-1").review(token).authenticated(),
        "another cluster");
    assertEquals(
        false,
        new TokenReviewer(verifier(NOW.plusSeconds(16 * 60)), "dev", "eu-west-1")
            .review(token)
            .authenticated(),
        "older than 15 minutes");
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() {
    String token =
        EksTokens.token(
            EksTokens.sts("eu-west-1"),
            "eu-west-1",
            KEY,
            "forged",
            "dev",
            Clock.fixed(NOW, ZoneOffset.UTC));

    TokenReviewer.Review review =
        new TokenReviewer(verifier(NOW), "dev", "eu-west-1").review(token);

    assertEquals(false, review.authenticated());
    assertEquals(
        true, review.error().contains("signature we calculated does not match"), review.error());
  }
}
