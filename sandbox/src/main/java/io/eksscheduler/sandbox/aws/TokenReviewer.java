package io.eksscheduler.sandbox.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates EKS tokens as aws-iam-authenticator does for the API server's token webhook: the
 * token is {@code k8s-aws-v1.} + base64url of a presigned STS {@code GetCallerIdentity} URL that
 * must sign the header {@code x-k8s-aws-id: CLUSTER}; the URL's form is checked as the
 * authenticator checks it, then its signature, age and cluster as STS does when the authenticator
 * forwards it, and the identity is mapped to the scenario's Kubernetes user and groups.
 *
 * <p>Each rule cites aws-iam-authenticator's {@code pkg/token/token.go} at commit 81b1dab
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/81b1daba00d194c00d3cdd8b0a0fece5ba648d4e/pkg/token/token.go).
 */
public final class TokenReviewer {

  public static final String PREFIX = "k8s-aws-v1.";
  public static final String CLUSTER_HEADER = "x-k8s-aws-id";

  // token.go 101: maxTokenLenBytes = 1024 * 4.
  static final int MAX_TOKEN_LENGTH = 4096;
  // token.go 659-664: X-Amz-Expires between 0 and 900 s (STS ignores it; 15 minutes rule).
  static final int MAX_EXPIRES_SECONDS = 900;
  static final String STS_VERSION = "2011-06-15";

  // token.go 166-176, compared lowercased.
  private static final Set<String> ALLOWED_PARAMETERS =
      Set.of(
          "action",
          "version",
          "x-amz-algorithm",
          "x-amz-credential",
          "x-amz-date",
          "x-amz-expires",
          "x-amz-security-token",
          "x-amz-signature",
          "x-amz-signedheaders");

  /** The outcome: the identity, or why the token is refused (never the token itself). */
  public record Review(AwsIdentity identity, String error) {
    public boolean authenticated() {
      return identity != null;
    }
  }

  private final RequestVerifier verifier;
  private final String clusterName;
  private final StsHostNames hosts;

  /** A reviewer for the cluster {@code clusterName} in {@code region} (its STS partition). */
  public TokenReviewer(RequestVerifier verifier, String clusterName, String region) {
    this.verifier = verifier;
    this.clusterName = clusterName;
    this.hosts = new StsHostNames(region);
  }

  public Review review(String token) {
    String refusal = formRefusal(token);
    if (refusal != null) {
      return new Review(null, "input token was not properly formatted: " + refusal);
    }
    URI url = url(token);
    Map<String, String> query = FormParameters.parse(url.getRawQuery());
    // What STS answers to the forwarded GET (token.go 685-722): the simulator is the STS here and
    // checks what STS would, the signature against the URL's own host and the x-k8s-aws-id header
    // set to this cluster's name (token.go 689), so a token for another cluster does not verify.
    if (!STS_VERSION.equals(query.get("Version"))) {
      return new Review(
          null,
          "sts getCallerIdentity failed: Could not find operation GetCallerIdentity for version "
              + query.get("Version"));
    }
    try {
      RequestVerifier.Verified verified =
          verifier.verifyPresigned(url, Map.of(CLUSTER_HEADER, List.of(clusterName)));
      if (!verified.credential().service().equals("sts")) {
        return new Review(null, "sts getCallerIdentity failed: presigned URL is not for STS");
      }
      return new Review(verified.identity(), null);
    } catch (RequestVerifier.Refused e) {
      return new Review(null, "sts getCallerIdentity failed: " + e.getMessage());
    }
  }

  /** What aws-iam-authenticator refuses before it calls STS (token.go 594-683), else null. */
  private String formRefusal(String token) {
    if (token == null) {
      return "token is missing expected \"" + PREFIX + "\" prefix";
    }
    // token.go 595-597.
    if (token.length() > MAX_TOKEN_LENGTH) {
      return "token is too large";
    }
    // token.go 599-601.
    if (!token.startsWith(PREFIX)) {
      return "token is missing expected \"" + PREFIX + "\" prefix";
    }
    URI url = url(token);
    if (url == null) {
      return "not base64url (unpadded) of a URL";
    }
    // token.go 614-616.
    if (!"https".equals(url.getScheme())) {
      return "unexpected scheme \"" + url.getScheme() + "\" in pre-signed URL";
    }
    // token.go 618-620: Go's URL.Host keeps the port, so a port makes the host unexpected.
    String hostRefusal = hosts.refusal(url.getRawAuthority());
    if (hostRefusal != null) {
      return hostRefusal;
    }
    // token.go 627-629.
    if (!"/".equals(url.getPath())) {
      return "unexpected path in pre-signed URL";
    }
    String queryRefusal = queryRefusal(FormParameters.parseMulti(url.getRawQuery()));
    if (queryRefusal != null) {
      return queryRefusal;
    }
    return null;
  }

  private String queryRefusal(Map<String, List<String>> query) {
    Set<String> seen = new HashSet<>();
    Map<String, String> lower = new java.util.HashMap<>();
    for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
      String key = parameter.getKey().toLowerCase(Locale.ROOT);
      // token.go 637-639, 772-781: the same name twice, in any case.
      if (!seen.add(key)) {
        return "duplicate query parameter found: \"" + parameter.getKey() + "\"";
      }
      // token.go 641-644.
      if (!ALLOWED_PARAMETERS.contains(key)) {
        return "non-whitelisted query parameter \"" + parameter.getKey() + "\"";
      }
      // token.go 645-647.
      if (parameter.getValue().size() != 1) {
        return "query parameter with multiple values not supported";
      }
      lower.put(key, parameter.getValue().get(0));
    }
    // token.go 651-653.
    if (!"GetCallerIdentity".equals(lower.get("action"))) {
      return "unexpected action parameter in pre-signed URL";
    }
    // token.go 655-657, 783-791: compared without regard to case.
    boolean signed =
        List.of(lower.getOrDefault("x-amz-signedheaders", "").split(";")).stream()
            .anyMatch(CLUSTER_HEADER::equalsIgnoreCase);
    if (!signed) {
      return "client did not sign the " + CLUSTER_HEADER + " header in the pre-signed URL";
    }
    // token.go 659-664: an integer from 0 to 900; absent does not parse, so is refused.
    String expires = lower.getOrDefault("x-amz-expires", "");
    if (!validExpires(expires)) {
      return "invalid X-Amz-Expires parameter in pre-signed URL: " + expires;
    }
    // token.go 666-669; its format and age (token.go 674-683, 15 minutes) are checked with the
    // signature, by RequestVerifier.verifyPresigned.
    if (lower.getOrDefault("x-amz-date", "").isEmpty()) {
      return "X-Amz-Date parameter must be present in pre-signed URL";
    }
    return null;
  }

  private static boolean validExpires(String text) {
    try {
      long seconds = Long.parseLong(text);
      return seconds >= 0 && seconds <= MAX_EXPIRES_SECONDS;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** token.go 604-612: base64url without padding (Go's RawURLEncoding), then a URL; else null. */
  private static URI url(String token) {
    String encoded = token.substring(PREFIX.length());
    if (encoded.contains("=")) {
      return null;
    }
    try {
      byte[] decoded = Base64.getUrlDecoder().decode(encoded);
      return new URI(new String(decoded, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | URISyntaxException e) {
      return null;
    }
  }
}
