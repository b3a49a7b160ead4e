package io.eksscheduler.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where runs are kept, for commands that read them. */
final class StateOptions {
  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Where runs are kept (default: $EKS_SCHEDULER_STATE_DIR, else ./.eks-scheduler).")
  Path stateDir;

  @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json.")
  RunOptions.OutputFormat output = RunOptions.OutputFormat.text;
}
