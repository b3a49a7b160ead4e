package io.eksscheduler.sandbox.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eks-sandbox} command: {@code up}, {@code down}, {@code status}. */
@Command(
    name = "eks-sandbox",
    mixinStandardHelpOptions = true,
    description = "A real Kubernetes control plane with KWOK-simulated EKS nodes, on 127.0.0.1.",
    subcommands = {
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      AddClusterCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code: 0 done, 1 failed, 2 usage error. */
  public static int run(String... args) {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (e, line, parsed) -> {
              line.getErr().println("eks-sandbox: " + e.getMessage());
              if (System.getenv("EKS_SANDBOX_DEBUG") != null) {
                e.printStackTrace(line.getErr());
              }
              return 1;
            })
        .execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
