package io.eksscheduler.sandbox.aws;

import java.util.List;

/**
 * An IAM identity of the sandbox: its ARN, the access key pair generated for it at {@code up}, and
 * the Kubernetes user and groups an EKS token made with it maps to (as an access entry or an {@code
 * aws-auth} mapping would).
 */
public record AwsIdentity(
    String name,
    String arn,
    String userId,
    String accessKeyId,
    String secretAccessKey,
    String username,
    List<String> groups) {

  public AwsIdentity {
    groups = List.copyOf(groups);
  }

  /** Never prints the secret key. */
  @Override
  public String toString() {
    return "AwsIdentity[" + name + ", " + arn + ", " + accessKeyId + "]";
  }
}
