package io.eksscheduler.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** Prints a bash/zsh completion script generated from the command tree. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = "Print a bash (and zsh, through bashcompinit) completion script.",
    footer = {
      "%nExamples:",
      "  source <(eks-scheduler completion)",
      "  eks-scheduler completion > /etc/bash_completion.d/eks-scheduler"
    })
final class CompletionCommand extends AppCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    app.out.print(AutoComplete.bash("eks-scheduler", spec.root().commandLine()));
    app.out.flush();
    return ExitCodes.OK;
  }
}
