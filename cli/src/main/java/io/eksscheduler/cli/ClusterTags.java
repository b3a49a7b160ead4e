package io.eksscheduler.cli;

import io.eksscheduler.actions.cluster.ClusterVerify;
import io.eksscheduler.cli.fleet.Hold;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * The tags of an EKS cluster that reconcile and hold read and write: the opt-in tag, and the hold.
 */
final class ClusterTags {
  private final EksClient eks;
  private final String name;
  private Cluster cluster;

  ClusterTags(EksClient eks, String name) {
    this.eks = eks;
    this.name = name;
  }

  /** The cluster as EKS describes it (one DescribeCluster, then remembered). */
  Cluster cluster() {
    if (cluster == null) {
      try {
        cluster = eks.describeCluster(b -> b.name(name)).cluster();
      } catch (ResourceNotFoundException e) {
        throw new UserError(
            List.of("error: EKS has no cluster " + name + " in this region and account"),
            ExitCodes.STEP_FAILED);
      } catch (SdkException e) {
        throw new UserError(
            List.of("error: cannot describe EKS cluster " + name + ": " + e.getMessage()),
            ExitCodes.STEP_FAILED);
      }
    }
    return cluster;
  }

  Map<String, String> tags() {
    return cluster().tags() == null ? Map.of() : cluster().tags();
  }

  /** Whether the cluster carries {@code eks-scheduler.io/hibernate=enabled}. */
  boolean optedIn() {
    return "enabled".equals(tags().get(ClusterVerify.OPT_IN_TAG));
  }

  /** The hold the cluster's tag says, if it has one; a tag not written by hold is an error. */
  Optional<Hold> hold() {
    String value = tags().get(Hold.TAG);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(
        Hold.parse(value)
            .orElseThrow(
                () ->
                    new UserError(
                        List.of(
                            "error: the tag "
                                + Hold.TAG
                                + " of cluster "
                                + name
                                + " is not a hold: '"
                                + value
                                + "'",
                            "nothing was changed; replace it with eks-scheduler hold, or remove"
                                + " it with: eks-scheduler hold --cluster "
                                + name
                                + " --release"),
                        ExitCodes.STEP_FAILED)));
  }

  /** Writes {@code hold} as the cluster's hold tag. */
  void setHold(Hold hold) {
    try {
      eks.tagResource(b -> b.resourceArn(cluster().arn()).tags(Map.of(Hold.TAG, hold.tagValue())));
    } catch (SdkException e) {
      throw new UserError(
          List.of("error: cannot tag cluster " + name + " with its hold: " + e.getMessage()),
          ExitCodes.STEP_FAILED);
    }
  }

  /** Removes the cluster's hold tag. */
  void removeHold() {
    try {
      eks.untagResource(b -> b.resourceArn(cluster().arn()).tagKeys(Hold.TAG));
    } catch (SdkException e) {
      throw new UserError(
          List.of("error: cannot remove the hold tag of cluster " + name + ": " + e.getMessage()),
          ExitCodes.STEP_FAILED);
    }
  }
}
