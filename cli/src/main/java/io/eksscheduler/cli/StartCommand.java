package io.eksscheduler.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Wakes a cluster: runs the stock playbook wake.yaml. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Wake an EKS cluster a stop put to sleep: run the stock playbook wake.yaml (or --playbook"
          + " FILE) for it.",
      "Node groups back to their recorded sizes (from the tags the stop wrote, so any machine"
          + " can wake it), admission webhooks answering (a self-blocking one fails open until its"
          + " pods are Ready), workloads in dependency order with each wave Ready before the next,"
          + " then GitOps and autoscalers resumed. Every eks-scheduler.io/ annotation and tag is"
          + " removed once its value is restored.",
      "start --dry-run prints the same plan as: eks-scheduler run wake.yaml -p cluster=NAME"
          + " --dry-run. An interrupted start resumes with: eks-scheduler resume RUN_ID."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler start --cluster dev --dry-run",
      "  eks-scheduler start --cluster dev --min-nodes 2",
      "  eks-scheduler start --cluster dev --playbook clusters/dev/wake.yaml"
    })
final class StartCommand extends StockPlaybookCommand implements Callable<Integer> {
  @Option(
      names = "--min-nodes",
      paramLabel = "N",
      description =
          "A floor on the total of nodes (param minNodes), placed so that every zone holding a"
              + " volume is served, capped at each group's maxSize (default: the recorded sizes"
              + " exactly).")
  Integer minNodes;

  @Override
  String stockPlaybook() {
    return "wake.yaml";
  }

  @Override
  Map<String, String> ownParams() {
    if (minNodes == null) {
      return Map.of();
    }
    if (minNodes < 0) {
      throw new UserError(java.util.List.of("--min-nodes must be 0 or more"), ExitCodes.INVALID);
    }
    return Map.of("minNodes", Integer.toString(minNodes));
  }

  @Override
  public Integer call() {
    return launch();
  }
}
