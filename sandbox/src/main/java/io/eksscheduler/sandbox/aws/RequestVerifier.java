package io.eksscheduler.sandbox.aws;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks SigV4 signatures against the sandbox's identities, in an {@code Authorization} header or
 * in a presigned URL's query, and rejects stale ones as AWS does (a header-signed request more than
 * 15 minutes off; a presigned EKS token older than 15 minutes, aws-iam-authenticator's limit).
 */
public final class RequestVerifier {

  /** Why a request was refused; the API layer turns it into the service's error code. */
  public enum Failure {
    MISSING,
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    EXPIRED
  }

  /** A refused request. */
  public static final class Refused extends RuntimeException {
    private final Failure failure;

    Refused(Failure failure, String message) {
      super(message);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  /** A request whose signature holds. */
  public record Verified(AwsIdentity identity, SigV4.Credential credential, Instant signedAt) {}

  static final Duration CLOCK_SKEW = Duration.ofMinutes(15);
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);
  static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Function<String, java.util.Optional<AwsIdentity>> identities;
  private final Function<String, java.util.Optional<String>> sessionTokens;
  private final Clock clock;

  /** A verifier of long-term access keys only. */
  public RequestVerifier(
      Function<String, java.util.Optional<AwsIdentity>> identities, Clock clock) {
    this(identities, key -> java.util.Optional.empty(), clock);
  }

  /**
   * A verifier that also knows temporary keys: {@code sessionTokens} gives the session token a
   * temporary access key must be sent with ({@code X-Amz-Security-Token}, a header or, presigned, a
   * query parameter), empty for a long-term key.
   */
  public RequestVerifier(
      Function<String, java.util.Optional<AwsIdentity>> identities,
      Function<String, java.util.Optional<String>> sessionTokens,
      Clock clock) {
    this.identities = identities;
    this.sessionTokens = sessionTokens;
    this.clock = clock;
  }

  /** Verifies a request signed in its {@code Authorization} header. */
  public Verified verifyHeader(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {
    List<String> auth = SigV4.headerValues(headers, "authorization");
    if (auth.isEmpty()) {
      throw new Refused(Failure.MISSING, "Missing Authentication Token");
    }
    SigV4.Authorization authorization;
    try {
      authorization = SigV4.Authorization.parse(auth.get(0));
    } catch (IllegalArgumentException e) {
      throw new Refused(Failure.MISSING, e.getMessage());
    }
    AwsIdentity identity = identity(authorization.credential());
    checkSessionToken(
        authorization.credential(),
        SigV4.headerValues(headers, "x-amz-security-token").stream().findFirst().orElse(null));
    List<String> dates = SigV4.headerValues(headers, "x-amz-date");
    if (dates.isEmpty()) {
      throw new Refused(
          Failure.BAD_SIGNATURE,
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    Instant signedAt = parseDate(dates.get(0));
    Instant now = clock.instant();
    if (Duration.between(signedAt, now).abs().compareTo(CLOCK_SKEW) > 0) {
      throw new Refused(
          Failure.EXPIRED,
          "Signature expired: "
              + dates.get(0)
              + " is now earlier than "
              + AMZ_DATE.format(now.minus(CLOCK_SKEW))
              + " ("
              + AMZ_DATE.format(now)
              + " - 15 min.)");
    }
    List<String> contentHash = SigV4.headerValues(headers, "x-amz-content-sha256");
    String actual = SigV4.sha256Hex(body);
    String payloadHash = contentHash.isEmpty() ? actual : contentHash.get(0);
    if (!contentHash.isEmpty()
        && !payloadHash.equals(actual)
        && !payloadHash.equals(SigV4.UNSIGNED_PAYLOAD)) {
      throw new Refused(
          Failure.BAD_SIGNATURE,
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    SigV4.WireRequest wire = new SigV4.WireRequest(method, rawPath, rawQuery, headers, payloadHash);
    String canonical = SigV4.canonicalRequest(wire, authorization.signedHeaders(), null);
    String expected =
        SigV4.signature(
            identity.secretAccessKey(),
            authorization.credential(),
            SigV4.stringToSign(dates.get(0), authorization.credential().scope(), canonical));
    if (!SigV4.same(expected, authorization.signature())) {
      throw new Refused(Failure.BAD_SIGNATURE, badSignature());
    }
    return new Verified(identity, authorization.credential(), signedAt);
  }

  /**
   * Verifies a presigned GET URL as STS does when aws-iam-authenticator forwards an EKS token: the
   * {@code headers} are those the forwarder adds (e.g. {@code x-k8s-aws-id}), besides {@code host}
   * taken from the URL.
   */
  public Verified verifyPresigned(URI url, Map<String, List<String>> headers) {
    Map<String, String> q = FormParameters.parse(url.getRawQuery());
    String credentialText = q.get("X-Amz-Credential");
    String signature = q.get("X-Amz-Signature");
    String date = q.get("X-Amz-Date");
    String signedHeaders = q.get("X-Amz-SignedHeaders");
    if (credentialText == null
        || signature == null
        || date == null
        || signedHeaders == null
        || !SigV4.ALGORITHM.equals(q.get("X-Amz-Algorithm"))) {
      throw new Refused(
          Failure.MISSING,
          "the presigned URL lacks X-Amz-Algorithm, Credential, Date, SignedHeaders or Signature");
    }
    SigV4.Credential credential;
    try {
      credential = SigV4.Credential.parse(credentialText);
    } catch (IllegalArgumentException e) {
      throw new Refused(Failure.MISSING, e.getMessage());
    }
    AwsIdentity identity = identity(credential);
    checkSessionToken(credential, q.get("X-Amz-Security-Token"));
    Instant signedAt = parseDate(date);
    Instant now = clock.instant();
    if (now.isAfter(signedAt.plus(TOKEN_LIFETIME)) || signedAt.isAfter(now.plus(CLOCK_SKEW))) {
      throw new Refused(
          Failure.EXPIRED, "X-Amz-Date parameter is expired (15 minute expiration) " + date);
    }
    Map<String, List<String>> all = new java.util.LinkedHashMap<>(headers);
    all.put("host", List.of(url.getRawAuthority()));
    List<String> names = List.of(signedHeaders.split(";"));
    // SDKs differ in the payload hash of a presigned request: botocore signs UNSIGNED-PAYLOAD, the
    // Go and Java SDKs the hash of the empty body; STS accepts both.
    for (String payload : List.of(SigV4.EMPTY_SHA256, SigV4.UNSIGNED_PAYLOAD)) {
      SigV4.WireRequest wire =
          new SigV4.WireRequest("GET", url.getRawPath(), url.getRawQuery(), all, payload);
      String canonical = SigV4.canonicalRequest(wire, names, "X-Amz-Signature");
      String expected =
          SigV4.signature(
              identity.secretAccessKey(),
              credential,
              SigV4.stringToSign(date, credential.scope(), canonical));
      if (SigV4.same(expected, signature)) {
        return new Verified(identity, credential, signedAt);
      }
    }
    throw new Refused(Failure.BAD_SIGNATURE, badSignature());
  }

  private AwsIdentity identity(SigV4.Credential credential) {
    return identities
        .apply(credential.accessKeyId())
        .orElseThrow(
            () ->
                new Refused(
                    Failure.UNKNOWN_KEY, "The security token included in the request is invalid."));
  }

  /** A temporary key is refused without its own session token, as STS's are on AWS. */
  private void checkSessionToken(SigV4.Credential credential, String sent) {
    java.util.Optional<String> expected = sessionTokens.apply(credential.accessKeyId());
    if (expected.isPresent() && !expected.get().equals(sent)) {
      throw new Refused(
          Failure.UNKNOWN_KEY, "The security token included in the request is invalid.");
    }
  }

  private static Instant parseDate(String text) {
    try {
      return Instant.from(AMZ_DATE.parse(text));
    } catch (DateTimeParseException e) {
      throw new Refused(
          Failure.BAD_SIGNATURE,
          "X-Amz-Date '" + text + "' is not in the form yyyyMMdd'T'HHmmss'Z'");
    }
  }

  static String badSignature() {
    return "The request signature we calculated does not match the signature you provided. Check your AWS"
        + " Secret Access Key and signing method. Consult the service documentation for details.";
  }
}
