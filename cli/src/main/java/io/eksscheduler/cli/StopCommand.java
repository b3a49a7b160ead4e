package io.eksscheduler.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Hibernates a cluster: runs the stock playbook hibernate.yaml. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Hibernate an EKS cluster: run the stock playbook hibernate.yaml (or --playbook FILE) for it.",
      "Preflight (the API server is the cluster's, the cluster carries the tag"
          + " eks-scheduler.io/hibernate=enabled), GitOps and autoscalers paused, workloads asleep"
          + " (dependents first), nodes drained honouring PodDisruptionBudgets, node groups at"
          + " zero. Every original is recorded in the run and on the objects before it changes,"
          + " so `start` restores it, from this machine or another.",
      "stop --dry-run prints the same plan as: eks-scheduler run hibernate.yaml -p cluster=NAME"
          + " --dry-run. An interrupted stop resumes with: eks-scheduler resume RUN_ID."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler stop --cluster dev --dry-run",
      "  eks-scheduler stop --cluster dev --region eu-west-1 --run-id \"$CI_JOB_ID\"",
      "  eks-scheduler stop --cluster dev --playbook clusters/dev/hibernate.yaml"
    })
final class StopCommand extends StockPlaybookCommand implements Callable<Integer> {
  @Option(
      names = "--force",
      description = "Stop the cluster even if it lacks the opt-in tag (param force=true).")
  boolean force;

  @Override
  String stockPlaybook() {
    return "hibernate.yaml";
  }

  @Override
  Map<String, String> ownParams() {
    return force ? Map.of("force", "true") : Map.of();
  }

  @Override
  public Integer call() {
    return launch();
  }
}
