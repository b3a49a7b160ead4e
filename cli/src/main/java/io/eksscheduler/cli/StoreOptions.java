package io.eksscheduler.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where runs are kept and how their locks behave: the same options on every command of runs. */
final class StoreOptions {
  @Option(
      names = "--state",
      paramLabel = "STORE",
      description =
          "Where runs are kept: dir[:PATH] (files on this machine, default ./.eks-scheduler) or"
              + " kubernetes[:NAMESPACE] (Secrets and Leases in the cluster, default namespace"
              + " eks-scheduler). Default: $EKS_SCHEDULER_STATE, else kubernetes for stop and start"
              + " and dir for the others (kubernetes for resume and runs given --cluster).")
  String state;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Kept: the same as --state dir:DIR (default: $EKS_SCHEDULER_STATE_DIR). Not with"
              + " --state.")
  Path stateDir;

  @Option(
      names = "--state-context",
      paramLabel = "CONTEXT",
      description =
          "With --state kubernetes: keep runs in the cluster of this kubeconfig context (a"
              + " management cluster), or in-cluster for the pod's own cluster, instead of the"
              + " cluster the run acts on.")
  String stateContext;

  @Option(
      names = "--lease-duration",
      paramLabel = "DURATION",
      description =
          "With --state kubernetes: how long a lock's Lease lasts unrenewed (default 60s, between"
              + " 3s and 5m); it is renewed every third of it, and another runner takes it over after"
              + " seeing it unrenewed that long.")
  String leaseDuration;
}
