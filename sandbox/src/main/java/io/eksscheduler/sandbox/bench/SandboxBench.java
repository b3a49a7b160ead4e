package io.eksscheduler.sandbox.bench;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.command.JavaProcess;
import io.eksscheduler.sandbox.controlplane.ControlPlane;
import io.eksscheduler.sandbox.controlplane.ManagedProcesses;
import io.eksscheduler.sandbox.controlplane.Speed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures {@code up} of the {@code dev} and {@code large} scenarios from a warm binary cache: wall
 * time until everything is Ready, and the peak resident memory of each sandbox process (VmHWM from
 * /proc, summed). Prints figures; asserts nothing.
 *
 * <p>Usage: {@code java -cp eks-sandbox.jar io.eksscheduler.sandbox.bench.SandboxBench [DIR]
 * [dev-runs] [large-runs]}.
 */
public final class SandboxBench {

  private SandboxBench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/eks-sandbox-bench");
    int devRuns = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int largeRuns = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    System.out.printf(
        "%-8s %-4s %10s %14s  %s%n",
        "scenario", "run", "up (s)", "peak RSS (MiB)", "per process (MiB)");
    for (int i = 1; i <= devRuns; i++) {
      measure(dir, "dev", i);
    }
    for (int i = 1; i <= largeRuns; i++) {
      measure(dir, "large", i);
    }
  }

  private static void measure(Path dir, String scenario, int run) throws IOException {
    Sandbox.down(dir);
    long start = System.nanoTime();
    Sandbox sandbox;
    try {
      sandbox =
          Sandbox.up(
              new Sandbox.UpOptions(
                  dir,
                  scenario,
                  Speed.REAL_TIME,
                  Duration.ofMinutes(15),
                  JavaProcess.executable(),
                  JavaProcess.classPath()),
              line -> {});
    } catch (RuntimeException e) {
      System.out.printf("%-8s %-4d failed: %s%n", scenario, run, e.getMessage());
      return;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Long> peaks = new LinkedHashMap<>();
    ManagedProcesses processes = new ManagedProcesses(sandbox.layout());
    for (String component : ControlPlane.COMPONENTS) {
      processes.running(component).ifPresent(p -> peaks.put(component, peakKib(p.pid())));
    }
    Sandbox.down(dir);
    long total = peaks.values().stream().mapToLong(Long::longValue).sum();
    List<String> parts = new ArrayList<>();
    peaks.forEach((k, v) -> parts.add(k + "=" + v / 1024));
    System.out.printf(
        "%-8s %-4d %10.1f %14d  %s%n",
        scenario, run, seconds, total / 1024, String.join(" ", parts));
  }

  /** VmHWM (peak resident set) of a process in KiB, 0 if unreadable. */
  static long peakKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }
}
