package io.eksscheduler.sandbox.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The simulated EKS cluster a scenario runs as: its name, version, account and tags, the IAM
 * identities that may call AWS and log in to Kubernetes (with the user and groups each maps to),
 * and the simulated delays of the AWS side (at speed 1; divided by the sandbox's speed).
 */
public record EksCluster(
    String name,
    String version,
    String accountId,
    Map<String, String> tags,
    List<IdentityMapping> identities,
    Duration launchDelay,
    Duration evictionTimeout) {

  /** An IAM identity (user or role ARN) and the Kubernetes user and groups it logs in as. */
  public record IdentityMapping(String name, String arn, String username, List<String> groups) {
    public IdentityMapping {
      groups = List.copyOf(groups);
    }
  }

  public static final String DEFAULT_ACCOUNT = "111122223333";

  /** EC2 launch plus kubelet registration: about 40 s on EKS for a warm AMI. */
  public static final Duration DEFAULT_LAUNCH_DELAY = Duration.ofSeconds(40);

  /** How long EKS tries to evict a node's pods on scale-in before terminating it anyway. */
  public static final Duration EKS_EVICTION_TIMEOUT = Duration.ofMinutes(15);

  public EksCluster {
    tags = Map.copyOf(tags);
    identities = List.copyOf(identities);
    if (identities.isEmpty()) {
      throw new IllegalArgumentException("an EKS cluster needs at least one IAM identity");
    }
  }

  /** A cluster named {@code name} with one administrator identity and EKS's delays. */
  public static EksCluster defaults(String name) {
    return new EksCluster(
        name,
        "1.36",
        DEFAULT_ACCOUNT,
        Map.of(),
        List.of(
            new IdentityMapping(
                "admin",
                "arn:aws:iam::" + DEFAULT_ACCOUNT + ":user/eks-sandbox-admin",
                "eks-sandbox-admin",
                List.of("system:masters"))),
        DEFAULT_LAUNCH_DELAY,
        EKS_EVICTION_TIMEOUT);
  }

  public String arn(String region) {
    return "arn:aws:eks:" + region + ":" + accountId + ":cluster/" + name;
  }
}
