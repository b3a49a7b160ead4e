package io.eksscheduler.sandbox.controlplane;

import io.eksscheduler.sandbox.SandboxLayout;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts the real control plane in order (etcd, kube-apiserver, then kube-controller-manager,
 * kube-scheduler, KWOK and the simulated network) and waits until each answers.
 */
public final class ControlPlane {

  /** Components in start order; {@code down} stops them all at once. */
  public static final List<String> COMPONENTS =
      List.of(
          "etcd",
          "kube-apiserver",
          "kube-controller-manager",
          "kube-scheduler",
          "kwok",
          "network",
          "aws");

  private static final Duration ETCD_READY = Duration.ofSeconds(30);
  private static final Duration APISERVER_READY = Duration.ofSeconds(90);
  private static final Duration SIMULATOR_READY = Duration.ofSeconds(30);

  private final SandboxLayout layout;
  private final Ports ports;
  private final ControlPlaneBinaries binaries;
  private final Speed speed;
  private final ManagedProcesses processes;
  private final Consumer<String> progress;
  private final String tokenReviewPath;

  public ControlPlane(
      SandboxLayout layout,
      Ports ports,
      ControlPlaneBinaries binaries,
      Speed speed,
      Consumer<String> progress) {
    this(layout, ports, binaries, speed, progress, "/_sandbox/tokenreview");
  }

  /**
   * A control plane whose API server checks EKS tokens at {@code tokenReviewPath} of the AWS
   * simulator ({@code /_sandbox/tokenreview/CLUSTER} for a cluster added to a sandbox).
   */
  public ControlPlane(
      SandboxLayout layout,
      Ports ports,
      ControlPlaneBinaries binaries,
      Speed speed,
      Consumer<String> progress,
      String tokenReviewPath) {
    this.layout = layout;
    this.ports = ports;
    this.binaries = binaries;
    this.speed = speed;
    this.processes = new ManagedProcesses(layout);
    this.progress = progress;
    this.tokenReviewPath = tokenReviewPath;
  }

  /** Writes the configuration and kubeconfigs; certificates must exist already. */
  public void writeConfiguration() {
    write(layout.config("audit-policy.yaml"), resource("audit-policy.yaml"));
    write(
        layout.config("egress-selector.yaml"),
        resource("egress-selector.yaml")
            .replace("${sandbox.proxySocket}", layout.proxySocket().toString()));
    write(
        layout.config("kube-scheduler.yaml"),
        resource("kube-scheduler.yaml")
            .replace(
                "${sandbox.kubeconfig}", layout.componentKubeconfig("kube-scheduler").toString()));
    write(layout.config("kwok-stages.yaml"), KwokStages.render(speed));
    write(
        layout.tokenWebhookConfig(),
        resource("token-webhook.kubeconfig")
            .replace("${sandbox.tokenReviewUrl}", ports.awsUrl() + tokenReviewPath));
    String server = ports.apiServerUrl();
    Path pki = layout.pki();
    Kubeconfig.write(layout.adminKubeconfig(), server, pki, Pki.ADMIN.file(), "admin");
    Kubeconfig.write(
        layout.restrictedKubeconfig(),
        server,
        pki,
        Pki.RESTRICTED.file(),
        Pki.RESTRICTED.commonName());
    for (Pki.ClientIdentity id : List.of(Pki.CONTROLLER_MANAGER, Pki.SCHEDULER, Pki.KWOK)) {
      Kubeconfig.write(
          layout.componentKubeconfig(id.file()), server, pki, id.file(), id.commonName());
    }
  }

  /** Starts every process; returns once the API server is ready and the others are running. */
  public void start(String javaExecutable, String classPath) {
    startKubernetes(javaExecutable, classPath);
    startAwsSimulator(javaExecutable, classPath);
  }

  /**
   * Starts every process but the AWS simulator (a cluster added to a sandbox uses the sandbox's);
   * returns once the API server is ready and the others are running.
   */
  public void startKubernetes(String javaExecutable, String classPath) {
    ComponentCommands commands = new ComponentCommands(layout, ports, binaries);
    progress.accept("starting etcd on 127.0.0.1:" + ports.etcdClient());
    processes.start("etcd", commands.etcd());
    Wait.until(
        "etcd /health on " + ports.etcdUrl(),
        ETCD_READY,
        Duration.ofMillis(100),
        this::etcdPending);
    progress.accept("starting kube-apiserver on " + ports.apiServerUrl());
    processes.start("kube-apiserver", commands.apiServer());
    processes.start("network", commands.network(javaExecutable, classPath));
    ApiClient admin = KubeClients.fromKubeconfig(layout.adminKubeconfig());
    Wait.until(
        "kube-apiserver /readyz on " + ports.apiServerUrl(),
        APISERVER_READY,
        Duration.ofMillis(250),
        () -> apiServerPending(admin));
    progress.accept(
        "starting kube-controller-manager, kube-scheduler, KWOK (speed " + speed.factor() + ")");
    processes.start("kube-controller-manager", commands.controllerManager());
    processes.start("kube-scheduler", commands.scheduler());
    processes.start("kwok", commands.kwok());
  }

  /**
   * Starts the AWS simulator (again, after a crash: it resumes from its state file) and waits until
   * it answers.
   */
  public void startAwsSimulator(String javaExecutable, String classPath) {
    progress.accept(
        "starting the AWS simulator (EKS, Auto Scaling, EC2, STS, Price List) on "
            + ports.awsUrl());
    processes.start(
        "aws",
        new ComponentCommands(layout, ports, binaries).awsSimulator(javaExecutable, classPath));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Wait.until(
        "the AWS simulator's /_sandbox/health on " + ports.awsUrl(),
        SIMULATOR_READY,
        Duration.ofMillis(100),
        () -> {
          Optional<String> dead = deadComponent("aws");
          if (dead.isPresent()) {
            throw new IllegalStateException(dead.get());
          }
          try {
            HttpResponse<String> response =
                http.send(
                    HttpRequest.newBuilder(URI.create(ports.awsUrl() + "/_sandbox/health"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                ? Optional.empty()
                : Optional.of("HTTP " + response.statusCode());
          } catch (IOException e) {
            return Optional.of("not answering: " + e.getMessage());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
          }
        });
  }

  private Optional<String> etcdPending() {
    Optional<String> dead = deadComponent("etcd");
    if (dead.isPresent()) {
      throw new IllegalStateException(dead.get());
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(ports.etcdUrl() + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body().contains("\"health\":\"true\"")
          ? Optional.empty()
          : Optional.of("health " + response.body().strip());
    } catch (IOException e) {
      return Optional.of("not answering: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private Optional<String> apiServerPending(ApiClient admin) {
    for (String component : List.of("etcd", "kube-apiserver", "network")) {
      Optional<String> dead = deadComponent(component);
      if (dead.isPresent()) {
        throw new IllegalStateException(dead.get());
      }
    }
    KubeClients.RawResponse readyz = KubeClients.get(admin, "/readyz");
    return readyz.ok()
        ? Optional.empty()
        : Optional.of("/readyz " + readyz.status() + " " + readyz.body().strip());
  }

  /** A message naming a component whose process has exited, with the end of its log. */
  public Optional<String> deadComponent(String component) {
    if (processes.running(component).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        component
            + " exited; last lines of "
            + layout.log(component)
            + ":\n"
            + tail(layout.log(component), 15));
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
    }
  }

  private static String resource(String name) {
    String path = "/io/eksscheduler/sandbox/" + name;
    try (var in = ControlPlane.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("resource " + path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
