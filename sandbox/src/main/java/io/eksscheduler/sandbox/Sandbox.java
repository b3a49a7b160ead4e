package io.eksscheduler.sandbox;

import io.eksscheduler.sandbox.aws.AwsIdentity;
import io.eksscheduler.sandbox.aws.AwsKubeconfig;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.controlplane.ControlPlane;
import io.eksscheduler.sandbox.controlplane.ControlPlaneBinaries;
import io.eksscheduler.sandbox.controlplane.ManagedProcesses;
import io.eksscheduler.sandbox.controlplane.Pki;
import io.eksscheduler.sandbox.controlplane.Ports;
import io.eksscheduler.sandbox.controlplane.Speed;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.eksscheduler.sandbox.scenario.Scenario;
import io.eksscheduler.sandbox.scenario.ScenarioDeployer;
import io.eksscheduler.sandbox.scenario.ScenarioLoader;
import io.eksscheduler.sandbox.scenario.ScenarioValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A running sandbox: a real Kubernetes control plane with KWOK nodes in one directory. {@link #up}
 * starts one, {@link #attach} finds one already running, {@link #down} stops one from its pid
 * files.
 */
public final class Sandbox {

  /** How {@code up} is asked to run. */
  public record UpOptions(
      Path dir,
      String scenario,
      Speed speed,
      Duration timeout,
      String javaExecutable,
      String classPath) {}

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final SandboxLayout layout;
  private final SandboxState state;

  private Sandbox(SandboxLayout layout, SandboxState state) {
    this.layout = layout;
    this.state = state;
  }

  public SandboxLayout layout() {
    return layout;
  }

  public SandboxState state() {
    return state;
  }

  public ControlPlaneBinaries binaries() {
    return new ControlPlaneBinaries(Path.of(state.binDir()));
  }

  /**
   * The variables a shell or a child process needs to use this sandbox: kubectl's, and the AWS
   * SDKs' and CLI's (endpoint, region, the first identity's access key).
   */
  public SandboxEnvironment environment() {
    SimulatorConfig aws = awsConfig();
    AwsIdentity identity = aws.identities().get(0);
    return SandboxEnvironment.empty()
        .with("KUBECONFIG", layout.adminKubeconfig().toString())
        .with("AWS_ENDPOINT_URL", aws.endpointUrl())
        .with("AWS_REGION", aws.region())
        // The AWS CLI v1 (botocore) reads only AWS_DEFAULT_REGION; the SDKs read AWS_REGION.
        .with("AWS_DEFAULT_REGION", aws.region())
        .with("AWS_ACCESS_KEY_ID", identity.accessKeyId())
        .with("AWS_SECRET_ACCESS_KEY", identity.secretAccessKey())
        .withPathPrefix(Path.of(state.binDir()));
  }

  /** The AWS simulator's configuration: endpoint, cluster, identities and their keys. */
  public SimulatorConfig awsConfig() {
    return SimulatorConfig.read(layout.awsConfig());
  }

  /**
   * Starts the AWS simulator of this sandbox again (after it was killed); it resumes from its state
   * file.
   */
  public void restartAwsSimulator(
      String javaExecutable, String classPath, Consumer<String> progress) {
    new ControlPlane(layout, state.ports(), binaries(), new Speed(state.speed()), progress)
        .startAwsSimulator(javaExecutable, classPath);
  }

  /**
   * A cluster added to the sandbox's account: its own control plane, in its own directory.
   *
   * @param name its EKS name
   * @param layout its directory's files (admin kubeconfig, audit log, ...)
   * @param apiServerUrl its API server
   */
  public record AddedCluster(String name, SandboxLayout layout, String apiServerUrl) {}

  /**
   * Adds the EKS cluster of {@code scenario} (whose cluster name it takes) to this sandbox's AWS
   * account: a control plane of its own (etcd, API server, controller manager, scheduler, KWOK,
   * network) in {@code clusters/NAME}, its API server checking EKS tokens for it at the simulator;
   * then the simulator is restarted to serve it too (it resumes the others from their state) and
   * this returns when its nodes and workloads are Ready. ListClusters lists it, the account's
   * identities and keys reach it, and {@code down} stops it with the rest.
   */
  public AddedCluster addCluster(
      String scenarioName,
      Duration timeout,
      String javaExecutable,
      String classPath,
      Consumer<String> progress) {
    Speed speed = new Speed(state.speed());
    Scenario preview = ScenarioLoader.load(scenarioName, ScenarioValues.PREVIEW);
    String name = preview.cluster().name();
    if (preview.cluster().name().equals(awsConfig().clusterName())
        || !preview.region().equals(awsConfig().region())) {
      throw new IllegalArgumentException(
          "scenario "
              + scenarioName
              + " must name another cluster than "
              + awsConfig().clusterName()
              + " in the sandbox's region "
              + awsConfig().region());
    }
    SandboxLayout sub = new SandboxLayout(layout.addedCluster(name));
    new ManagedProcesses(sub).stopAll(STOP_GRACE);
    deleteTree(sub.dir());
    Ports free = Ports.chooseFree();
    Ports ports =
        new Ports(
            free.etcdClient(),
            free.etcdPeer(),
            free.apiServer(),
            free.controllerManager(),
            free.scheduler(),
            free.kwok(),
            free.webhook(),
            state.ports().aws());
    progress.accept("adding cluster " + name + ": certificates in " + sub.pki());
    new Pki(sub).create(preview.webhookDnsNames());
    String caBundle = Base64.getEncoder().encodeToString(read(sub.pki("ca.crt")));
    Scenario scenario =
        ScenarioLoader.load(scenarioName, new ScenarioValues(ports.webhook(), caBundle))
            .atSpeed(speed);
    ControlPlane controlPlane =
        new ControlPlane(sub, ports, binaries(), speed, progress, "/_sandbox/tokenreview/" + name);
    controlPlane.writeConfiguration();
    controlPlane.startKubernetes(javaExecutable, classPath);
    SimulatorConfig primary = awsConfig();
    SimulatorConfig.create(
            scenario,
            primary.port(),
            ports.apiServerUrl(),
            caBundle,
            sub.adminKubeconfig(),
            speed.factor())
        .withIdentities(primary.identities())
        .write(layout.awsClusterConfig(name));
    AwsKubeconfig.write(
        sub.awsKubeconfig(), ports.apiServerUrl(), caBundle, scenario.region(), name);
    progress.accept("restarting the AWS simulator to serve cluster " + name + " too");
    stopAwsSimulator();
    restartAwsSimulator(javaExecutable, classPath, progress);
    new ScenarioDeployer(KubeClients.fromKubeconfig(sub.adminKubeconfig()), progress)
        .deploy(scenario, timeout);
    return new AddedCluster(name, sub, ports.apiServerUrl());
  }

  /**
   * Removes a cluster {@link #addCluster} added: stops its processes, forgets it in the simulator
   * (restarted: it resumes the others) and deletes its files.
   */
  public void removeCluster(
      String name, String javaExecutable, String classPath, Consumer<String> progress) {
    SandboxLayout sub = new SandboxLayout(layout.addedCluster(name));
    new ManagedProcesses(sub).stopAll(Duration.ZERO);
    deleteTree(layout.awsClusterConfig(name).getParent());
    progress.accept("restarting the AWS simulator without cluster " + name);
    stopAwsSimulator();
    restartAwsSimulator(javaExecutable, classPath, progress);
    deleteTree(sub.dir());
  }

  private void stopAwsSimulator() {
    new ManagedProcesses(layout)
        .running("aws")
        .ifPresent(
            h -> {
              h.destroy();
              try {
                h.onExit().get(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
              } catch (Exception e) {
                h.destroyForcibly();
              }
            });
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts a sandbox in {@code options.dir()} and returns when the API server, the nodes and the
   * scenario's workloads are Ready. On any failure every process started so far is stopped.
   */
  public static Sandbox up(UpOptions options, Consumer<String> progress) {
    SandboxLayout layout = new SandboxLayout(options.dir());
    ControlPlaneBinaries binaries = ControlPlaneBinaries.locate(System.getenv());
    prepareDirectory(layout);
    Scenario preview = ScenarioLoader.load(options.scenario(), ScenarioValues.PREVIEW);
    Ports ports = Ports.chooseFree();
    // Stop what we started if this JVM dies half-way (Ctrl-C during up); a normal return removes
    // it.
    Thread cleanup =
        new Thread(() -> new ManagedProcesses(layout).stopAll(STOP_GRACE), "sandbox-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      progress.accept("creating certificates with openssl in " + layout.pki());
      new Pki(layout).create(preview.webhookDnsNames());
      String caBundle = Base64.getEncoder().encodeToString(read(layout.pki("ca.crt")));
      Scenario scenario =
          ScenarioLoader.load(options.scenario(), new ScenarioValues(ports.webhook(), caBundle))
              .atSpeed(options.speed());
      SimulatorConfig.create(
              scenario,
              ports.aws(),
              ports.apiServerUrl(),
              caBundle,
              layout.adminKubeconfig(),
              options.speed().factor())
          .write(layout.awsConfig());
      AwsKubeconfig.write(
          layout.awsKubeconfig(),
          ports.apiServerUrl(),
          caBundle,
          scenario.region(),
          scenario.cluster().name());
      ControlPlane controlPlane =
          new ControlPlane(layout, ports, binaries, options.speed(), progress);
      controlPlane.writeConfiguration();
      controlPlane.start(options.javaExecutable(), options.classPath());
      SandboxState state =
          new SandboxState(
              layout.dir().toString(),
              binaries.binDir().toString(),
              ports,
              options.speed().factor(),
              scenario.name(),
              ControlPlaneBinaries.KUBERNETES_VERSION,
              Instant.now().toString());
      state.write(layout.state());
      new ScenarioDeployer(KubeClients.fromKubeconfig(layout.adminKubeconfig()), progress)
          .deploy(scenario, options.timeout());
      for (String component : ControlPlane.COMPONENTS) {
        controlPlane
            .deadComponent(component)
            .ifPresent(
                message -> {
                  throw new IllegalStateException(message);
                });
      }
      Runtime.getRuntime().removeShutdownHook(cleanup);
      return new Sandbox(layout, state);
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(cleanup);
      progress.accept("up failed, stopping what was started: " + e.getMessage());
      new ManagedProcesses(layout).stopAll(STOP_GRACE);
      throw e;
    }
  }

  /** The sandbox already running in {@code dir}. */
  public static Sandbox attach(Path dir) {
    SandboxLayout layout = new SandboxLayout(dir);
    SandboxState state = SandboxState.read(layout);
    ManagedProcesses processes = new ManagedProcesses(layout);
    List<String> dead =
        ControlPlane.COMPONENTS.stream().filter(c -> processes.running(c).isEmpty()).toList();
    if (!dead.isEmpty()) {
      throw new IllegalStateException(
          "the sandbox in "
              + layout.dir()
              + " is not running ("
              + String.join(", ", dead)
              + " stopped): run `down` then `up`");
    }
    return new Sandbox(layout, state);
  }

  /** Stops every process of the sandbox in {@code dir}; safe to call twice or after a crash. */
  public static List<String> down(Path dir) {
    return new ManagedProcesses(new SandboxLayout(dir)).stopAll(STOP_GRACE);
  }

  /**
   * Empties a directory for a fresh sandbox, refusing one that holds a running sandbox or that does
   * not look like a sandbox directory (to never wipe a user's files).
   */
  private static void prepareDirectory(SandboxLayout layout) {
    Path dir = layout.dir();
    try {
      if (Files.isDirectory(dir)) {
        ManagedProcesses processes = new ManagedProcesses(layout);
        if (!processes.strays().isEmpty()
            || processes.recorded().stream().anyMatch(c -> processes.running(c).isPresent())) {
          throw new IllegalStateException(
              "a sandbox is already running in "
                  + dir
                  + ": use it, or run `down --dir "
                  + dir
                  + "` first");
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
          empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(layout.state()) && !Files.exists(layout.pids())) {
          throw new IllegalStateException(
              dir + " is not empty and holds no sandbox: choose another --dir");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            if (!p.equals(dir)) {
              Files.delete(p);
            }
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing " + dir + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).getBytes(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
