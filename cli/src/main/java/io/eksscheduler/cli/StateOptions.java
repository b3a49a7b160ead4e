package io.eksscheduler.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where runs are kept, for commands that read them ({@code resume}, {@code runs ...}): the store
 * options, and the cluster whose store it is.
 */
final class StateOptions {
  @Mixin StoreOptions store = new StoreOptions();

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      description =
          "The EKS cluster whose store to read (--state kubernetes, the default with --cluster):"
              + " reached like stop and start reach it.")
  String cluster;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "The cluster's AWS region (default: AWS_REGION or the profile's).")
  String region;

  @Option(
      names = "--eks-login",
      description = "Reach the cluster through EKS with the AWS credentials, as stop and start do.")
  boolean eksLogin;

  @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json.")
  RunOptions.OutputFormat output = RunOptions.OutputFormat.text;

  /** The store these options name: kubernetes by default when a cluster is given. */
  StateChoice choice(App app) {
    return StateChoice.resolve(
        store, app.env, cluster != null ? StateChoice.Kind.KUBERNETES : StateChoice.Kind.DIR);
  }

  /** Points the clients at the cluster named, so that its store is the one read. */
  void target(App app) {
    java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
    if (cluster != null) {
      params.put("cluster", cluster);
    }
    if (region != null) {
      params.put("region", region);
    }
    params.put("login", eksLogin ? "eks" : "auto");
    app.target(params);
  }
}
