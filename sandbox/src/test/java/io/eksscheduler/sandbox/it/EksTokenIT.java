package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.EksTokens;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * EKS-style login: a token presigned with the AWS SDK's signer (what {@code aws eks get-token}
 * makes) is checked by the simulator through the API server's token webhook.
 */
@ExtendWith(SandboxExtension.class)
class EksTokenIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void presignedTokenLogsInAsTheMappedUser(TestSandbox sandbox) throws Exception {
    SimulatorConfig aws = sandbox.aws();
    AwsIdentity viewer = aws.identity("viewer");
    String token =
        EksTokens.token(
            EksTokens.sts(aws.region()),
            aws.region(),
            viewer.accessKeyId(),
            viewer.secretAccessKey(),
            "dev",
            Clock.systemUTC());

    Response review = selfSubjectReview(sandbox, token);

    assertEquals(201, review.code());
    JsonNode user = JSON.readTree(review.body().string()).path("status").path("userInfo");
    assertEquals("alice", user.path("username").asText());
    assertTrue(user.path("groups").toString().contains("\"dev\""), user.toString());
    assertEquals(viewer.arn(), user.path("extra").path("arn").get(0).asText());
  }

  @Test
  void forgedExpiredOrOtherClusterTokensAreRefused(TestSandbox sandbox) throws Exception {
    SimulatorConfig aws = sandbox.aws();
    AwsIdentity admin = aws.identity("admin");
    URI endpoint = EksTokens.sts(aws.region());
    String forged =
        EksTokens.token(
            endpoint,
            aws.region(),
            admin.accessKeyId(),
            "guessed-secret",
            "dev",
            Clock.systemUTC());
    String expired =
        EksTokens.token(
            endpoint,
            aws.region(),
            admin.accessKeyId(),
            admin.secretAccessKey(),
            "dev",
            Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC));
    String otherCluster =
        EksTokens.token(
            endpoint,
            aws.region(),
            admin.accessKeyId(),
            admin.secretAccessKey(),
            "prod",
            Clock.systemUTC());

    // Signed well, but for the simulator's own endpoint: no STS host name EKS accepts.
    String localHost =
        EksTokens.token(
            URI.create(aws.endpointUrl()),
            aws.region(),
            admin.accessKeyId(),
            admin.secretAccessKey(),
            "dev",
            Clock.systemUTC());

    assertEquals(401, selfSubjectReview(sandbox, localHost).code());
    assertEquals(401, selfSubjectReview(sandbox, forged).code());
    assertEquals(401, selfSubjectReview(sandbox, expired).code());
    assertEquals(401, selfSubjectReview(sandbox, otherCluster).code());
    assertEquals(401, selfSubjectReview(sandbox, "k8s-aws-v1.bm90LWEtdXJs").code());
    assertTrue(Files.readString(sandbox.awsRequestLog()).contains("TokenRefused"));
  }

  private static Response selfSubjectReview(TestSandbox sandbox, String token) throws Exception {
    return selfSubjectReview(
        sandbox.sandbox().state().ports().apiServerUrl(),
        Files.readAllBytes(sandbox.sandbox().layout().pki("ca.crt")),
        token);
  }

  /** A SelfSubjectReview at {@code apiServer} with {@code token} as the bearer token. */
  static Response selfSubjectReview(String apiServer, byte[] ca, String token) throws Exception {
    ApiClient client =
        new ClientBuilder().setBasePath(apiServer).setCertificateAuthority(ca).build();
    Request request =
        new Request.Builder()
            .url(client.getBasePath() + "/apis/authentication.k8s.io/v1/selfsubjectreviews")
            .header("Authorization", "Bearer " + token)
            .post(
                RequestBody.create(
                    "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}",
                    MediaType.get("application/json")))
            .build();
    return client
        .getHttpClient()
        .newBuilder()
        .callTimeout(Duration.ofSeconds(30))
        .build()
        .newCall(request)
        .execute();
  }
}
