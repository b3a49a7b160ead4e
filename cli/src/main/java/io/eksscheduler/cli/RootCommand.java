package io.eksscheduler.cli;

import picocli.CommandLine.Command;

/** The root of the command tree. */
@Command(
    name = "eks-scheduler",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Hibernate and wake Amazon EKS clusters with declarative, resumable YAML playbooks.",
      "Validate a playbook, preview it with --dry-run, run it, and resume it after any"
          + " interruption without repeating a completed step."
    },
    subcommands = {
      ValidateCommand.class,
      FleetCommand.class,
      RunCommand.class,
      StopCommand.class,
      StartCommand.class,
      StatusCommand.class,
      ReconcileCommand.class,
      HoldCommand.class,
      ResumeCommand.class,
      RunsCommand.class,
      ActionsCommand.class,
      SchemaCommand.class,
      CompletionCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  succeeded",
      "  1  a step failed (state saved, resumable)",
      "  2  invalid playbook or usage",
      "  3  interrupted by SIGINT/SIGTERM (state saved, resumable)",
      "  4  the lock is held by another run",
      "",
      "Examples:",
      "  eks-scheduler stop --cluster dev --dry-run",
      "  eks-scheduler start --cluster dev --min-nodes 2",
      "  eks-scheduler reconcile --fleet fleet.yaml --cluster dev",
      "  eks-scheduler validate playbooks/*.yaml",
      "  eks-scheduler run examples/hello.yaml -p name=world --dry-run",
      "  eks-scheduler resume 20261124T173000Z-3f9a1c"
    })
final class RootCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
