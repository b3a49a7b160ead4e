package io.eksscheduler.sandbox.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Locates the pinned control-plane binaries that {@code sandbox/scripts/build-control-plane.sh}
 * builds, and says how to build them when they are missing.
 */
public record ControlPlaneBinaries(Path binDir) {

  public static final String KUBERNETES_VERSION = "v1.36.3";
  public static final String ETCD_VERSION = "v3.6.14";
  public static final String KWOK_VERSION = "v0.8.0";
  public static final String BUILD_SCRIPT = "sandbox/scripts/build-control-plane.sh";

  /** Names of the executables the sandbox starts or hands to users. */
  public static final List<String> EXECUTABLES =
      List.of(
          "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "kwok");

  /** The cache sub-directory; must match STAMP in the build script. */
  static final String STAMP =
      "k8s-" + KUBERNETES_VERSION + "-etcd-" + ETCD_VERSION + "-kwok-" + KWOK_VERSION;

  public ControlPlaneBinaries {
    binDir = binDir.toAbsolutePath().normalize();
  }

  /**
   * Finds the binaries from {@code EKS_SANDBOX_BIN} (a bin directory) or {@code EKS_SANDBOX_CACHE}
   * (the script's cache root, default {@code ~/.cache/eks-scheduler-sandbox}).
   *
   * @throws IllegalStateException naming the missing files and the script to run
   */
  public static ControlPlaneBinaries locate(Map<String, String> env) {
    Path bin =
        Optional.ofNullable(env.get("EKS_SANDBOX_BIN"))
            .map(Path::of)
            .orElseGet(() -> cacheRoot(env).resolve(STAMP).resolve("bin"));
    ControlPlaneBinaries binaries = new ControlPlaneBinaries(bin);
    List<String> missing = binaries.missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "control-plane binaries missing in "
              + bin
              + ": "
              + String.join(", ", missing)
              + "; build them once with "
              + BUILD_SCRIPT
              + " (Kubernetes "
              + KUBERNETES_VERSION
              + ", etcd "
              + ETCD_VERSION
              + ", KWOK "
              + KWOK_VERSION
              + "; several minutes cold, cached after)");
    }
    return binaries;
  }

  static Path cacheRoot(Map<String, String> env) {
    String root = env.get("EKS_SANDBOX_CACHE");
    if (root != null && !root.isBlank()) {
      return Path.of(root);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "eks-scheduler-sandbox");
  }

  /** Executables absent or not executable in {@link #binDir}. */
  public List<String> missing() {
    List<String> missing = new ArrayList<>();
    for (String name : EXECUTABLES) {
      if (!Files.isExecutable(binDir.resolve(name))) {
        missing.add(name);
      }
    }
    return missing;
  }

  public Path path(String executable) {
    return binDir.resolve(executable);
  }

  public Path kubectl() {
    return path("kubectl");
  }
}
