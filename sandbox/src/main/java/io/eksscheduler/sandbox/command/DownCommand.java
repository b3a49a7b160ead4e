package io.eksscheduler.sandbox.command;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.SandboxLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Stops every process of a sandbox from its pid files. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Stop every process of the sandbox (SIGTERM, then SIGKILL).")
final class DownCommand implements Callable<Integer> {

  @Option(names = "--dir", description = "Sandbox directory (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(SandboxLayout.DEFAULT_DIR);

  @Override
  public Integer call() {
    List<String> stopped = Sandbox.down(dir);
    System.err.println(
        stopped.isEmpty()
            ? "[eks-sandbox] nothing was running in " + dir.toAbsolutePath()
            : "[eks-sandbox] stopped " + String.join(", ", stopped));
    return 0;
  }
}
