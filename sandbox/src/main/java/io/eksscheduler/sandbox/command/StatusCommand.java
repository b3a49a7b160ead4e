package io.eksscheduler.sandbox.command;

import io.eksscheduler.sandbox.SandboxLayout;
import io.eksscheduler.sandbox.SandboxStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints each component's health; exit code 1 when any is unhealthy. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Report each component's health.")
final class StatusCommand implements Callable<Integer> {

  @Option(names = "--dir", description = "Sandbox directory (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(SandboxLayout.DEFAULT_DIR);

  @Override
  public Integer call() {
    List<SandboxStatus.Check> checks = SandboxStatus.check(dir);
    for (SandboxStatus.Check check : checks) {
      System.out.printf(
          "%-24s %-4s %s%n", check.component(), check.healthy() ? "ok" : "FAIL", check.detail());
    }
    return checks.stream().allMatch(SandboxStatus.Check::healthy) ? 0 : 1;
  }
}
