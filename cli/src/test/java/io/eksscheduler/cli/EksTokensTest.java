package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class EksTokensTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-24T20:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  private EksTokens tokens() {
    return new EksTokens(
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
        Region.EU_WEST_1,
        URI.create("https://sts.eu-west-1.amazonaws.com"),
        "dev",
        clock);
  }

  @Test
  void aTokenIsAPresignedGetCallerIdentityUrlWithTheClusterHeaderSigned() {
    String token = tokens().current();
    assertTrue(token.startsWith("k8s-aws-v1."), token);
    String url =
        new String(
            Base64.getUrlDecoder().decode(token.substring("k8s-aws-v1.".length())),
            StandardCharsets.UTF_8);
    assertTrue(url.startsWith("https://sts.eu-west-1.amazonaws.com/?"), url);
    assertTrue(url.contains("Action=GetCallerIdentity"), url);
    assertTrue(url.contains("X-Amz-Credential=AKIDEXAMPLE%2F20261124%2Feu-west-1%2Fsts"), url);
    assertTrue(url.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"), url);
    assertTrue(url.contains("X-Amz-Expires=60"), url);
    assertTrue(!url.contains("secret"), "the secret key never appears in a token");
  }

  @Test
  void aTokenIsReusedForTenMinutesThenSignedAfresh() {
    EksTokens tokens = tokens();
    String first = tokens.current();
    now.set(now.get().plus(Duration.ofMinutes(9)));
    assertEquals(first, tokens.current());
    now.set(now.get().plus(Duration.ofMinutes(1)));
    assertNotEquals(first, tokens.current());
  }

  @Test
  void theTokenNamesTheRegionsStsHostWhateverEndpointTheToolsCallsUse() {
    assertEquals(
        URI.create("https://sts.eu-west-1.amazonaws.com"), EksTokens.stsEndpoint(Region.EU_WEST_1));
    assertEquals(
        URI.create("https://sts.cn-north-1.amazonaws.com.cn"),
        EksTokens.stsEndpoint(Region.CN_NORTH_1));
    assertEquals(
        URI.create("https://sts.us-gov-west-1.amazonaws.com"),
        EksTokens.stsEndpoint(Region.US_GOV_WEST_1));
  }
}
