package io.eksscheduler.sandbox.junit;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.command.JavaProcess;
import io.eksscheduler.sandbox.controlplane.CommandRunner;
import io.eksscheduler.sandbox.controlplane.ManagedProcesses;
import io.eksscheduler.sandbox.controlplane.Speed;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test gets from the shared sandbox: API clients for the admin and the restricted user,
 * kubeconfig paths, the matching kubectl, the audit log, and the speed of simulated delays; and,
 * for tests that need them, a fresh scenario ({@link #reset()}), an identity that is not exempt
 * from API Priority and Fairness ({@link #clusterAdminServiceAccount}) and tight APF for it ({@link
 * #throttleKubernetes}).
 *
 * <p>Test classes run one after the other in one JVM and share this object; {@link #reset()}
 * replaces the sandbox behind it, so take clients from it after a reset, not from before.
 */
public final class TestSandbox {

  /** The scenario {@link #reset()} starts. */
  public static final String RESET_SCENARIO = "dev";

  private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);

  private volatile Sandbox sandbox;
  private volatile ApiClient admin;
  private volatile ApiClient restricted;
  private final java.util.Map<String, Sandbox.AddedCluster> added = new java.util.HashMap<>();

  TestSandbox(Sandbox sandbox) {
    use(sandbox);
  }

  private void use(Sandbox next) {
    this.sandbox = next;
    this.admin = KubeClients.fromKubeconfig(next.layout().adminKubeconfig());
    this.restricted = KubeClients.fromKubeconfig(next.layout().restrictedKubeconfig());
  }

  /**
   * Calls the simulator's admin resource {@code what} (for example {@code counters}, {@code
   * settings}): GET when {@code body} is null, else PUT with it; the answer's body.
   */
  public String simulatorAdmin(String what, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sandbox.awsConfig().endpointUrl() + "/_sandbox/" + what))
            .timeout(Duration.ofSeconds(10));
    if (body != null) {
      request.PUT(HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "the simulator answered " + what + " with HTTP " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("calling the simulator's " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling the simulator's " + what, e);
    }
  }

  /**
   * Managed nodes the simulator terminated because EKS's PodDisruptionBudget limit ran out with
   * pods still on them, since the scenario started.
   */
  public int terminatedPastEvictionLimit() {
    String counters = simulatorAdmin("counters", null);
    try {
      com.fasterxml.jackson.databind.JsonNode n =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(counters)
              .path("terminatedPastEvictionLimit");
      if (!n.isInt()) {
        throw new IllegalStateException("no terminatedPastEvictionLimit in " + counters);
      }
      return n.asInt();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the simulator's counters: " + counters, e);
    }
  }

  /**
   * Replaces the sandbox with a freshly started {@value #RESET_SCENARIO} scenario, in the same
   * directory and at the same speed, for tests that change what other tests rely on (a whole
   * cluster scaled to zero, say): call it first, and again when done so the tests that follow find
   * the scenario as it starts.
   *
   * <p>Every process of the old sandbox is killed at once rather than stopped gracefully: its data
   * are thrown away, and the API server alone would take about ten seconds to shut down. Then
   * {@code up} starts a new one, exactly as the first one started (new certificates, ports and AWS
   * access keys), and returns when its nodes and workloads are Ready. The objects a test created,
   * its throttles and ServiceAccounts included, are gone. A sandbox reused through {@code
   * EKS_SANDBOX_DIR} is reset too; its new AWS endpoint is printed.
   *
   * @return how long the reset took
   */
  public synchronized Duration reset() {
    long start = System.nanoTime();
    Path dir = sandbox.layout().dir();
    Speed speed = speed();
    // Also stops the clusters added to it: their command lines name this directory.
    new ManagedProcesses(sandbox.layout()).stopAll(Duration.ZERO);
    added.clear();
    Sandbox fresh =
        Sandbox.up(
            new Sandbox.UpOptions(
                dir,
                RESET_SCENARIO,
                speed,
                UP_TIMEOUT,
                JavaProcess.executable(),
                JavaProcess.classPath()),
            line -> System.err.println("[eks-sandbox] " + line));
    use(fresh);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // The kubeconfigs keep their paths; a shell using this sandbox needs the new AWS endpoint and
    // keys (not printed: they are credentials).
    System.err.println(
        "[eks-sandbox] reset to a fresh "
            + RESET_SCENARIO
            + " scenario in "
            + took.toMillis()
            + " ms; AWS_ENDPOINT_URL is now "
            + fresh.awsConfig().endpointUrl()
            + ", the new access keys are in "
            + fresh.layout().awsConfig());
    return took;
  }

  /**
   * A ServiceAccount bound to cluster-admin, created unless it exists, logged in with a fresh
   * token: the identity to run actions as when a test throttles them, since {@link
   * #adminClient()}'s user cannot be throttled.
   */
  public ClusterAdminServiceAccount clusterAdminServiceAccount(String name) {
    return ClusterAdminServiceAccount.create(adminKubeconfig(), admin, name);
  }

  /**
   * Makes the API server answer 429 to {@code user}'s requests whenever two of them run at the same
   * time, until the returned throttle is closed; see {@link KubernetesThrottle}. {@link
   * #adminClient()}'s user is refused: group system:masters is always exempt.
   */
  public KubernetesThrottle throttleKubernetes(String user) {
    return KubernetesThrottle.forUser(admin, user);
  }

  /**
   * Like {@link #throttleKubernetes(String)}, for every member of {@code group} together: their
   * requests share the one seat.
   */
  public KubernetesThrottle throttleKubernetesGroup(String group) {
    return KubernetesThrottle.forGroup(admin, group);
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

  /**
   * The EKS cluster of built-in scenario {@code scenario} (such as {@code qa}) in the sandbox's
   * account, with a control plane of its own: added on the first call, the same until the next
   * {@link #reset()}. The AWS simulator is restarted to serve it (new endpoint port: none; the keys
   * stay).
   */
  public synchronized Sandbox.AddedCluster addCluster(String scenario) {
    Sandbox.AddedCluster cluster = added.get(scenario);
    if (cluster == null) {
      long start = System.nanoTime();
      cluster =
          sandbox.addCluster(
              scenario,
              UP_TIMEOUT,
              JavaProcess.executable(),
              JavaProcess.classPath(),
              line -> System.err.println("[eks-sandbox] " + line));
      added.put(scenario, cluster);
      System.err.printf(
          "[eks-sandbox] cluster %s added in %d ms%n",
          cluster.name(), (System.nanoTime() - start) / 1_000_000);
    }
    return cluster;
  }

  /** Removes a cluster {@link #addCluster} added (its processes, files, and from the simulator). */
  public synchronized void removeCluster(String scenario) {
    Sandbox.AddedCluster cluster = added.remove(scenario);
    if (cluster != null) {
      sandbox.removeCluster(
          cluster.name(),
          JavaProcess.executable(),
          JavaProcess.classPath(),
          line -> System.err.println("[eks-sandbox] " + line));
    }
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
