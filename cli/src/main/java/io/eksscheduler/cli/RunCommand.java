package io.eksscheduler.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Runs a playbook, or previews it with --dry-run. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a playbook: steps as a DAG, at most `concurrency` at once, with retries, timeouts and"
          + " a durable checkpoint at every transition.",
      "Kill it at any moment and `eks-scheduler resume RUN_ID` goes on without repeating a"
          + " completed step."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler run examples/hello.yaml -p name=world",
      "  eks-scheduler run examples/hello.yaml --dry-run",
      "  eks-scheduler run pb.yaml --params-file prod.yaml --run-id \"$CI_JOB_ID\" --output json"
    })
final class RunCommand extends AppCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The playbook.")
  Path file;

  @Mixin RunOptions options;

  @Override
  public Integer call() {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new UserError(file + ":1:1: no such file");
    } catch (IOException e) {
      throw new UserError(file + ":1:1: cannot read: " + e.getMessage());
    }
    return new RunLauncher(app)
        .launch(app.load(text, file.toString()), text, options, StateChoice.Kind.DIR, null);
  }
}
