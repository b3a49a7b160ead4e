package io.eksscheduler.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One of a sandbox's IAM identities, as a test acts with it: the environment a child process needs
 * to call AWS as that identity and nothing else (no kubeconfig, so Kubernetes is reached only
 * through an EKS login), and its IAM policy, set or removed at runtime through the simulator's
 * admin path {@code /_sandbox/identities/NAME/policy}. An identity without a policy may call
 * everything; with one, the simulator refuses what it does not allow, as AWS does.
 */
public final class SandboxIdentity {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final SimulatorConfig aws;
  private final AwsIdentity identity;

  private SandboxIdentity(SimulatorConfig aws, AwsIdentity identity) {
    this.aws = aws;
    this.identity = identity;
  }

  /**
   * The identity named {@code name} in the sandbox's scenario.
   *
   * @throws IllegalArgumentException naming the known identities when there is none such
   */
  public static SandboxIdentity of(Sandbox sandbox, String name) {
    SimulatorConfig aws = sandbox.awsConfig();
    return new SandboxIdentity(aws, aws.identity(name));
  }

  /** Its ARN, Kubernetes user and groups, and access key pair. */
  public AwsIdentity identity() {
    return identity;
  }

  /**
   * {@code AWS_ENDPOINT_URL}, the region and this identity's access keys: what the AWS SDKs and CLI
   * read first.
   */
  public SandboxEnvironment awsEnvironment() {
    return SandboxEnvironment.empty()
        .with("AWS_ENDPOINT_URL", aws.endpointUrl())
        .with("AWS_REGION", aws.region())
        .with("AWS_DEFAULT_REGION", aws.region())
        .with("AWS_ACCESS_KEY_ID", identity.accessKeyId())
        .with("AWS_SECRET_ACCESS_KEY", identity.secretAccessKey());
  }

  /**
   * Restricts the identity to {@code policyJson}, an IAM policy document.
   *
   * @throws IllegalArgumentException with the simulator's reason when the policy is refused
   */
  public void usePolicy(String policyJson) {
    call("PUT", HttpRequest.BodyPublishers.ofString(policyJson));
  }

  /** Lets the identity call everything again. */
  public void dropPolicy() {
    call("DELETE", HttpRequest.BodyPublishers.noBody());
  }

  /** The policy in force, compact, if any. */
  public Optional<String> policy() {
    JsonNode policy = call("GET", HttpRequest.BodyPublishers.noBody()).path("policy");
    return policy.isObject() ? Optional.of(policy.toString()) : Optional.empty();
  }

  private JsonNode call(String method, HttpRequest.BodyPublisher body) {
    URI uri =
        URI.create(
            aws.endpointUrl()
                + "/_sandbox/identities/"
                + URLEncoder.encode(identity.name(), StandardCharsets.UTF_8)
                + "/policy");
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .method(method, body)
            .header("Content-Type", "application/json")
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 400) {
        throw new IllegalArgumentException(response.body().trim());
      }
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            method + " " + uri + ": HTTP " + response.statusCode() + " " + response.body().trim());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + uri, e);
    }
  }
}
