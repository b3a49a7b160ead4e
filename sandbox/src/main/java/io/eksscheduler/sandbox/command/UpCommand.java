package io.eksscheduler.sandbox.command;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.SandboxLayout;
import io.eksscheduler.sandbox.controlplane.Speed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts a sandbox and prints the shell exports that point kubectl at it. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = "Start the control plane, KWOK and a scenario; print the exports.")
final class UpCommand implements Callable<Integer> {

  @Option(names = "--dir", description = "Sandbox directory (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(SandboxLayout.DEFAULT_DIR);

  @Option(
      names = "--scenario",
      description =
          "Built-in scenario (dev, large; qa and staging are small clusters for add-cluster) or a scenario file (default: ${DEFAULT-VALUE}).")
  String scenario = "dev";

  @Option(
      names = "--speed",
      description = "Simulated delays run this many times faster (default: ${DEFAULT-VALUE}).")
  double speed = 1.0;

  @Option(
      names = "--timeout",
      description =
          "Longest wait for the scenario to be Ready, e.g. 5m (default: ${DEFAULT-VALUE}).")
  String timeout = "10m";

  @Override
  public Integer call() {
    long start = System.nanoTime();
    Sandbox sandbox =
        Sandbox.up(
            new Sandbox.UpOptions(
                dir,
                scenario,
                new Speed(speed),
                parseDuration(timeout),
                JavaProcess.executable(),
                JavaProcess.classPath()),
            line -> System.err.println("[eks-sandbox] " + line));
    System.err.printf(
        "[eks-sandbox] up in %.1fs: Kubernetes %s, scenario %s, %s%n",
        (System.nanoTime() - start) / 1e9,
        sandbox.state().kubernetesVersion(),
        sandbox.state().scenario(),
        sandbox.layout().dir());
    System.err.println("[eks-sandbox] restricted user: " + sandbox.layout().restrictedKubeconfig());
    System.out.print(sandbox.environment().exportLines());
    return 0;
  }

  static Duration parseDuration(String text) {
    return Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT));
  }
}
