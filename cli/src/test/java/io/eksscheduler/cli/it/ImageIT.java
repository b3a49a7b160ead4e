package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The runner's image, built by deploy/image/build.sh with podman as a user would, stops and wakes
 * the sandbox's dev cluster from inside the container: non-root, a read-only root filesystem with a
 * tmpfs working directory (a pod's emptyDir), the host's network, AWS keys only (Kubernetes through
 * an EKS token, as the CronJobs run). The cluster comes back exactly as it was.
 */
@ExtendWith(SandboxExtension.class)
class ImageIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WORK = Path.of("target", "image-it");
  private static final Duration BUILD = Duration.ofMinutes(10);
  private static final Duration RUN = Duration.ofMinutes(6);

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void theImageStopsAndWakesDevExactlyWithAReadOnlyRootFilesystem(TestSandbox sandbox)
      throws Exception {
    Files.createDirectories(WORK);
    Result build = shell(BUILD, "build", "deploy/image/build.sh");
    assertEquals(0, build.code(), build.output());
    String image = build.lastLine();
    assertTrue(image.matches("localhost/eks-scheduler:[0-9][^ ]*"), build.output());
    Result version = podman(sandbox, "version", image, "--version");
    assertEquals(0, version.code(), version.output());
    assertEquals("eks-scheduler " + image.substring(image.indexOf(':') + 1), version.lastLine());
    Result whoami = shell(RUN, "whoami", "podman_ run --rm --entrypoint id " + image + " -u");
    assertEquals("10001", whoami.lastLine(), whoami.output());

    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    WakeSnapshot before = WakeSnapshot.capture(sandbox);
    Set<String> markers = WakeMarkers.everywhere(sandbox);
    Result stop = podman(sandbox, "stop", image, "stop", "--cluster", "dev", "--eks-login");
    assertEquals(0, stop.code(), stop.output());
    assertTrue(stop.output().contains("succeeded"), stop.output());
    WakeChecks.awaitNoNode(new KubeJson(sandbox.adminClient()), WakeCycle.SETTLE);
    Result start = podman(sandbox, "start", image, "start", "--cluster", "dev", "--eks-login");
    assertEquals(0, start.code(), start.output());
    WakeChecks.awaitAwake(sandbox, WakeCycle.SETTLE);
    List<String> differences =
        new ArrayList<>(WakeSnapshot.capture(sandbox).differencesFrom(before));
    Set<String> left = new TreeSet<>(WakeMarkers.everywhere(sandbox));
    left.removeAll(markers);
    left.forEach(m -> differences.add("marker left: " + m));
    assertEquals(List.of(), differences, "dev after a stop and a start from the image");
  }

  private record Result(int code, String output) {
    String lastLine() {
      String[] lines = output.strip().split("\n");
      return lines[lines.length - 1].strip();
    }
  }

  /**
   * {@code eks-scheduler ARGS} in the image: read-only root, tmpfs /work, host network, the
   * sandbox's AWS endpoint and the admin's keys, nothing else of the host.
   */
  private static Result podman(TestSandbox sandbox, String label, String image, String... args)
      throws Exception {
    Map<String, String> vars = sandbox.sandbox().environment().variables();
    StringBuilder cmd =
        new StringBuilder("podman_ run --rm --read-only --tmpfs /work:rw,size=64m --network host");
    Map<String, String> env = new java.util.HashMap<>();
    for (String name :
        List.of("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
      // Passed by name: the keys are never on a command line.
      cmd.append(" -e ").append(name);
      env.put(name, vars.get(name));
    }
    cmd.append(' ').append(image);
    for (String a : args) {
      cmd.append(' ').append(quote(a));
    }
    long t = System.nanoTime();
    Result r = shell(RUN, label, cmd.toString(), env);
    System.err.printf(
        "[image-it] %s: exit %d after %d ms%n",
        label, r.code(), Duration.ofNanos(System.nanoTime() - t).toMillis());
    return r;
  }

  /** A bash command in the repository's root with deploy/image/podman.sh sourced. */
  private static Result shell(Duration timeout, String label, String command)
      throws IOException, InterruptedException {
    return shell(timeout, label, command, Map.of());
  }

  private static Result shell(
      Duration timeout, String label, String command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path log = WORK.resolve(label + ".log").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", ". deploy/image/podman.sh && " + command)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          label + " still running after " + timeout + ":\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
