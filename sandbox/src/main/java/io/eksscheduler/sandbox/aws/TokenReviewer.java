package io.eksscheduler.sandbox.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates EKS tokens as aws-iam-authenticator does for the API server's token webhook: the
 * token is {@code k8s-aws-v1.} + base64url of a presigned STS {@code GetCallerIdentity} URL that
 * must sign the header {@code x-k8s-aws-id: CLUSTER}; the signature, its age and the cluster are
 * checked, and the identity is mapped to the scenario's Kubernetes user and groups.
 */
public final class TokenReviewer {

  public static final String PREFIX = "k8s-aws-v1.";
  public static final String CLUSTER_HEADER = "x-k8s-aws-id";

  private static final Set<String> ALLOWED_PARAMETERS =
      Set.of(
          "Action",
          "Version",
          "X-Amz-Algorithm",
          "X-Amz-Credential",
          "X-Amz-Date",
          "X-Amz-Expires",
          "X-Amz-Security-Token",
          "X-Amz-Signature",
          "X-Amz-SignedHeaders");

  /** The outcome: the identity, or why the token is refused (never the token itself). */
  public record Review(AwsIdentity identity, String error) {
    public boolean authenticated() {
      return identity != null;
    }
  }

  private final RequestVerifier verifier;
  private final String clusterName;

  public TokenReviewer(RequestVerifier verifier, String clusterName) {
    this.verifier = verifier;
    this.clusterName = clusterName;
  }

  public Review review(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      return new Review(null, "token does not start with " + PREFIX);
    }
    URI url;
    try {
      byte[] decoded =
          Base64.getUrlDecoder().decode(stripPadding(token.substring(PREFIX.length())));
      url = new URI(new String(decoded, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | URISyntaxException e) {
      return new Review(null, "token is not a base64url-encoded URL");
    }
    if (!"/".equals(url.getRawPath()) && !"".equals(url.getRawPath())) {
      return new Review(null, "unexpected path in presigned URL");
    }
    Map<String, String> query = FormParameters.parse(url.getRawQuery());
    for (String name : query.keySet()) {
      if (!ALLOWED_PARAMETERS.contains(name)) {
        return new Review(null, "non-whitelisted query parameter " + name);
      }
    }
    if (!"GetCallerIdentity".equals(query.get("Action"))) {
      return new Review(null, "unexpected action parameter in presigned URL");
    }
    String signed = query.getOrDefault("X-Amz-SignedHeaders", "");
    if (!List.of(signed.split(";")).contains(CLUSTER_HEADER)) {
      return new Review(
          null, "client did not sign the " + CLUSTER_HEADER + " header in the presigned URL");
    }
    try {
      RequestVerifier.Verified verified =
          verifier.verifyPresigned(url, Map.of(CLUSTER_HEADER, List.of(clusterName)));
      if (!verified.credential().service().equals("sts")) {
        return new Review(null, "presigned URL is not for STS");
      }
      return new Review(verified.identity(), null);
    } catch (RequestVerifier.Refused e) {
      return new Review(null, "sts getCallerIdentity failed: " + e.getMessage());
    }
  }

  private static String stripPadding(String text) {
    return text.replaceAll("=+$", "");
  }
}
