package io.eksscheduler.sandbox.aws;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The temporary credentials STS issues for {@code AssumeRole}: an access key {@code ASIA...}, a
 * secret and a session token, valid until they expire. A request signed with them acts as the
 * assumed-role session ({@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}) under the role's
 * IAM policy and Kubernetes mapping, and must carry its session token (a signed {@code
 * X-Amz-Security-Token} header, or query parameter when presigned), as AWS requires. Kept in
 * memory: a restarted simulator has forgotten them, as tokens of another STS would be unknown.
 */
public final class Sessions {
  /** botocore's sts model: roleDurationSecondsType, min 900, max 43200; default 3600. */
  static final Duration MIN = Duration.ofSeconds(900);

  static final Duration MAX = Duration.ofSeconds(43200);
  static final Duration DEFAULT = Duration.ofHours(1);

  /** botocore's sts model: roleSessionNameType, 2 to 64 of {@code [\w+=,.@-]}. */
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

  /** A session: who it acts as, its token, when it expires. */
  public record Session(AwsIdentity identity, String token, Instant expires) {}

  private final Map<String, Session> byKey = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  public Sessions(Clock clock) {
    this.clock = clock;
  }

  /** The identity of a temporary access key, while it has not expired. */
  public Optional<AwsIdentity> identity(String accessKeyId) {
    return session(accessKeyId).map(Session::identity);
  }

  /** The session token an access key must be sent with, when it is a temporary one. */
  public Optional<String> token(String accessKeyId) {
    return Optional.ofNullable(byKey.get(accessKeyId)).map(Session::token);
  }

  private Optional<Session> session(String accessKeyId) {
    Session s = byKey.get(accessKeyId);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expires())) {
      byKey.remove(accessKeyId);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /**
   * Issues a session of {@code role} named {@code sessionName} for {@code durationSeconds} (null:
   * one hour), or throws the error STS answers for a bad parameter.
   */
  public Session issue(
      AwsIdentity role, String accountId, String sessionName, String durationSeconds) {
    if (sessionName == null || !SESSION_NAME.matcher(sessionName).matches()) {
      throw new AwsError(
          400,
          "ValidationError",
          "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint:"
              + " Member must satisfy regular expression pattern: [\\w+=,.@-]*, length 2 to 64");
    }
    Duration duration = DEFAULT;
    if (durationSeconds != null) {
      try {
        duration = Duration.ofSeconds(Long.parseLong(durationSeconds));
      } catch (NumberFormatException e) {
        duration = Duration.ZERO;
      }
      if (duration.compareTo(MIN) < 0 || duration.compareTo(MAX) > 0) {
        throw new AwsError(
            400,
            "ValidationError",
            "1 validation error detected: Value at 'durationSeconds' failed to satisfy"
                + " constraint: Member must have value between 900 and 43200");
      }
    }
    String roleName = role.arn().substring(role.arn().lastIndexOf('/') + 1);
    String key = "ASIA" + upper(16);
    byte[] secret = new byte[30];
    random.nextBytes(secret);
    byte[] token = new byte[96];
    random.nextBytes(token);
    AwsIdentity assumed =
        new AwsIdentity(
            role.name(),
            "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName,
            role.userId() + ":" + sessionName,
            key,
            Base64.getEncoder().encodeToString(secret).substring(0, 40),
            role.username(),
            role.groups());
    Session s =
        new Session(
            assumed, Base64.getEncoder().encodeToString(token), clock.instant().plus(duration));
    byKey.put(key, s);
    return s;
  }

  private String upper(int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
