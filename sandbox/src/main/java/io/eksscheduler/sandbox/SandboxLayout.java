package io.eksscheduler.sandbox;

import java.nio.file.Path;

/**
 * Names every file a sandbox keeps in its one directory: certificates, kubeconfigs, logs, pid files
 * and the state written by {@code up}.
 */
public record SandboxLayout(Path dir) {

  /** The directory used when none is given on the command line. */
  public static final String DEFAULT_DIR = ".eks-sandbox";

  public SandboxLayout {
    dir = dir.toAbsolutePath().normalize();
  }

  public Path pki() {
    return dir.resolve("pki");
  }

  public Path pki(String file) {
    return pki().resolve(file);
  }

  public Path logs() {
    return dir.resolve("logs");
  }

  public Path log(String component) {
    return logs().resolve(component + ".log");
  }

  public Path pids() {
    return dir.resolve("pids");
  }

  public Path pidFile(String component) {
    return pids().resolve(component + ".pid");
  }

  public Path etcdData() {
    return dir.resolve("etcd-data");
  }

  public Path config(String file) {
    return dir.resolve("config").resolve(file);
  }

  public Path adminKubeconfig() {
    return dir.resolve("admin.kubeconfig");
  }

  public Path restrictedKubeconfig() {
    return dir.resolve("restricted.kubeconfig");
  }

  public Path componentKubeconfig(String component) {
    return config(component + ".kubeconfig");
  }

  public Path auditLog() {
    return logs().resolve("audit.log");
  }

  /** The Unix socket of the simulated VPC's CONNECT proxy (the API server's "cluster" egress). */
  public Path proxySocket() {
    return dir.resolve("vpc.sock");
  }

  /** What {@code up} tells the AWS simulator (identities with their secret keys: mode 600). */
  public Path awsConfig() {
    return dir.resolve("aws").resolve("config.json");
  }

  /** The AWS simulator's durable state, replaced atomically at every change. */
  public Path awsState() {
    return dir.resolve("aws").resolve("state.json");
  }

  /** One JSON line per AWS call the simulator answered. */
  public Path awsRequestLog() {
    return dir.resolve("aws").resolve("requests.jsonl");
  }

  /** The API server's authentication webhook configuration (a kubeconfig). */
  public Path tokenWebhookConfig() {
    return config("token-webhook.kubeconfig");
  }

  /** A kubeconfig that logs in with {@code aws eks get-token}, as on EKS. */
  public Path awsKubeconfig() {
    return dir.resolve("aws.kubeconfig");
  }

  public Path state() {
    return dir.resolve("sandbox.json");
  }

  /** A cluster added to this sandbox's account: its own control plane's directory. */
  public Path addedCluster(String name) {
    return dir.resolve("clusters").resolve(name);
  }

  /** What the AWS simulator is told of an added cluster (as {@link #awsConfig()}). */
  public Path awsClusterConfig(String name) {
    return dir.resolve("aws").resolve("clusters").resolve(name).resolve("config.json");
  }

  /** The AWS simulator's state of an added cluster. */
  public Path awsClusterState(String name) {
    return dir.resolve("aws").resolve("clusters").resolve(name).resolve("state.json");
  }

  /** The clusters added to the sandbox in {@code layout}, by name. */
  public static java.util.List<String> addedClusters(SandboxLayout layout) {
    Path root = layout.dir().resolve("aws").resolve("clusters");
    if (!java.nio.file.Files.isDirectory(root)) {
      return java.util.List.of();
    }
    try (var dirs = java.nio.file.Files.list(root)) {
      return dirs.filter(d -> java.nio.file.Files.exists(d.resolve("config.json")))
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
