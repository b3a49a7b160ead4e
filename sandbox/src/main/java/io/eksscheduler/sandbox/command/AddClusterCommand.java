package io.eksscheduler.sandbox.command;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.SandboxLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Adds a second (third, ...) EKS cluster to a running sandbox's account. */
@Command(
    name = "add-cluster",
    mixinStandardHelpOptions = true,
    description = {
      "Add the EKS cluster of a built-in scenario (qa, staging) to the running sandbox's AWS"
          + " account: a control plane of its own under clusters/NAME, served by the same AWS"
          + " endpoint with the same identities and keys (the simulator restarts to load it).",
      "Prints the cluster's admin kubeconfig on stdout; down stops it with the rest."
    })
final class AddClusterCommand implements Callable<Integer> {

  @Option(names = "--dir", description = "Sandbox directory (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(SandboxLayout.DEFAULT_DIR);

  @Option(
      names = "--scenario",
      required = true,
      description = "The scenario of the cluster to add (its cluster's name is the cluster's).")
  String scenario;

  @Option(
      names = "--timeout",
      description = "How long to wait for its nodes and workloads (default: ${DEFAULT-VALUE}).")
  String timeout = "5m";

  @Override
  public Integer call() {
    long start = System.nanoTime();
    Sandbox.AddedCluster added =
        Sandbox.attach(dir)
            .addCluster(
                scenario,
                UpCommand.parseDuration(timeout),
                JavaProcess.executable(),
                JavaProcess.classPath(),
                line -> System.err.println("[eks-sandbox] " + line));
    System.err.printf(
        "[eks-sandbox] cluster %s added in %.1fs: %s%n",
        added.name(), (System.nanoTime() - start) / 1e9, added.apiServerUrl());
    System.out.println(added.layout().adminKubeconfig());
    return 0;
  }
}
