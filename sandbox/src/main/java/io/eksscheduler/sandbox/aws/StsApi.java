package io.eksscheduler.sandbox.aws;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The STS operations the sandbox serves, as botocore's {@code sts/2011-06-15} model and the STS API
 * reference define them: {@code GetCallerIdentity} (no permission needed, as on AWS) and {@code
 * AssumeRole}. AssumeRole needs {@code sts:AssumeRole} on the role in the caller's policy; every
 * role of the scenario trusts its own account (the trust policy {@code {"Principal": {"AWS":
 * "arn:aws:iam::ACCOUNT:root"}}}), so an identity without a policy may assume any of them.
 */
final class StsApi {
  static final Set<String> OPERATIONS = Set.of("GetCallerIdentity", "AssumeRole");

  private final SimulatorConfig config;
  private final Sessions sessions;
  private final IamAuthorizer iam;

  StsApi(SimulatorConfig config, Sessions sessions, IamAuthorizer iam) {
    this.config = config;
    this.sessions = sessions;
    this.iam = iam;
  }

  /** The result element's content of {@code operation}, called by {@code caller}. */
  String execute(String operation, Map<String, String> form, AwsIdentity caller) {
    return switch (operation) {
      case "GetCallerIdentity" ->
          new Xml()
              .element("Arn", caller.arn())
              .element("UserId", caller.userId())
              .element("Account", config.accountId())
              .toString();
      case "AssumeRole" -> assumeRole(form, caller);
      default -> throw new IllegalArgumentException(operation);
    };
  }

  private String assumeRole(Map<String, String> form, AwsIdentity caller) {
    String roleArn = form.get("RoleArn");
    if (roleArn == null || roleArn.length() < 20 || roleArn.length() > 2048) {
      // botocore: arnType, min 20, max 2048; RoleArn and RoleSessionName are required.
      throw new AwsError(
          400,
          "ValidationError",
          "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member"
              + " must have length greater than or equal to 20");
    }
    iam.authorize(
        caller,
        "sts",
        new IamAuthorizer.Request(
            "sts:AssumeRole", List.of(new IamAuthorizer.Target(roleArn, Map.of()))));
    AwsIdentity role =
        config.identities().stream()
            .filter(i -> i.arn().equals(roleArn) && SimulatorConfig.isRole(i))
            .findFirst()
            .orElseThrow(
                () ->
                    // What STS answers for a role that does not exist or does not trust the caller.
                    new AwsError(
                        403,
                        "AccessDenied",
                        "User: "
                            + caller.arn()
                            + " is not authorized to perform: sts:AssumeRole on resource: "
                            + roleArn));
    Sessions.Session s =
        sessions.issue(
            role, config.accountId(), form.get("RoleSessionName"), form.get("DurationSeconds"));
    return new Xml()
        .open("Credentials")
        .element("AccessKeyId", s.identity().accessKeyId())
        .element("SecretAccessKey", s.identity().secretAccessKey())
        .element("SessionToken", s.token())
        .element(
            "Expiration",
            DateTimeFormatter.ISO_INSTANT.format(s.expires().truncatedTo(ChronoUnit.SECONDS)))
        .close("Credentials")
        .open("AssumedRoleUser")
        .element("AssumedRoleId", s.identity().userId())
        .element("Arn", s.identity().arn())
        .close("AssumedRoleUser")
        .toString();
  }
}
