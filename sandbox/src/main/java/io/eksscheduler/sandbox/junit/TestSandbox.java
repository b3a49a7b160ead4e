package io.eksscheduler.sandbox.junit;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.command.JavaProcess;
import io.eksscheduler.sandbox.controlplane.CommandRunner;
import io.eksscheduler.sandbox.controlplane.ManagedProcesses;
import io.eksscheduler.sandbox.controlplane.Speed;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test gets from the shared sandbox: API clients for the admin and the restricted user,
 * kubeconfig paths, the matching kubectl, the audit log, and the speed of simulated delays.
 */
public final class TestSandbox {

  private final Sandbox sandbox;
  private final ApiClient admin;
  private final ApiClient restricted;

  TestSandbox(Sandbox sandbox) {
    this.sandbox = sandbox;
    this.admin = KubeClients.fromKubeconfig(sandbox.layout().adminKubeconfig());
    this.restricted = KubeClients.fromKubeconfig(sandbox.layout().restrictedKubeconfig());
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  /** A client with cluster-admin rights (group system:masters). */
  public ApiClient adminClient() {
    return admin;
  }

  /**
   * A client for user {@code alice} in group {@code dev}, bound by the scenario to a narrow Role.
   */
  public ApiClient restrictedClient() {
    return restricted;
  }

  public Path adminKubeconfig() {
    return sandbox.layout().adminKubeconfig();
  }

  public Path restrictedKubeconfig() {
    return sandbox.layout().restrictedKubeconfig();
  }

  public Path kubectl() {
    return sandbox.binaries().kubectl();
  }

  public Path auditLog() {
    return sandbox.layout().auditLog();
  }

  public Speed speed() {
    return new Speed(sandbox.state().speed());
  }

  /** The AWS simulator's endpoint, cluster and identities (with their access keys). */
  public SimulatorConfig aws() {
    return sandbox.awsConfig();
  }

  /** The JSON-lines log of every AWS call the simulator answered. */
  public Path awsRequestLog() {
    return sandbox.layout().awsRequestLog();
  }

  /** The running AWS simulator process. */
  public ProcessHandle awsSimulatorProcess() {
    return new ManagedProcesses(sandbox.layout())
        .running("aws")
        .orElseThrow(() -> new IllegalStateException("the AWS simulator is not running"));
  }

  /** Starts the AWS simulator again after a test killed it; it resumes from its state file. */
  public void restartAwsSimulator() {
    sandbox.restartAwsSimulator(
        JavaProcess.executable(),
        JavaProcess.classPath(),
        line -> System.err.println("[eks-sandbox] " + line));
  }

  /**
   * Runs the sandbox's kubectl as the admin, with a deadline, and returns its exit code and output.
   */
  public CommandRunner.Result kubectl(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl().toString());
    command.add("--kubeconfig=" + adminKubeconfig());
    command.addAll(List.of(args));
    return CommandRunner.run(command, sandbox.layout().dir(), timeout);
  }
}
