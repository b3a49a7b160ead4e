package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.Sandbox;
import io.eksscheduler.sandbox.SandboxStatus;
import io.eksscheduler.sandbox.command.JavaProcess;
import io.eksscheduler.sandbox.controlplane.ControlPlane;
import io.eksscheduler.sandbox.controlplane.ManagedProcesses;
import io.eksscheduler.sandbox.controlplane.Speed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A sandbox of its own (not the shared one): up, status, down, down again. */
class SandboxLifecycleIT {

  @Test
  void downLeavesNoProcessBehindAndIsSafeTwice() throws Exception {
    Path dir = Path.of("target/lifecycle-it").toAbsolutePath();
    Sandbox.down(dir);
    Sandbox sandbox =
        Sandbox.up(
            new Sandbox.UpOptions(
                dir,
                Path.of("src/test/resources/scenarios/tiny.yaml").toString(),
                new Speed(10),
                Duration.ofMinutes(2),
                JavaProcess.executable(),
                JavaProcess.classPath()),
            line -> System.err.println("[lifecycle-it] " + line));
    List<Long> pids = new ArrayList<>();
    try {
      ManagedProcesses processes = new ManagedProcesses(sandbox.layout());
      for (String component : ControlPlane.COMPONENTS) {
        pids.add(processes.running(component).orElseThrow().pid());
      }
      assertTrue(
          SandboxStatus.check(dir).stream().allMatch(SandboxStatus.Check::healthy),
          SandboxStatus.check(dir).toString());
    } finally {
      List<String> stopped = Sandbox.down(dir);
      assertTrue(stopped.containsAll(ControlPlane.COMPONENTS), stopped.toString());
    }

    for (long pid : pids) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "pid " + pid + " survived down");
    }
    assertEquals(List.of(), survivorsNaming(dir));
    assertEquals(List.of(), Sandbox.down(dir), "a second down finds nothing to stop");
    assertFalse(SandboxStatus.check(dir).stream().allMatch(SandboxStatus.Check::healthy));
  }

  /** Every etcd, kube-* or kwok process whose command line names {@code dir}, read from /proc. */
  private static List<String> survivorsNaming(Path dir) throws IOException {
    List<String> survivors = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        List<String> args =
            ManagedProcesses.commandLine(Long.parseLong(proc.getFileName().toString()));
        boolean named = args.stream().anyMatch(a -> a.contains(dir.toString()));
        boolean controlPlane =
            !args.isEmpty()
                && Stream.of(
                        "etcd",
                        "kube-apiserver",
                        "kube-controller-manager",
                        "kube-scheduler",
                        "kwok")
                    .anyMatch(b -> args.get(0).endsWith("/" + b));
        if (named && controlPlane) {
          survivors.add(proc.getFileName() + " " + args.get(0));
        }
      }
    }
    return survivors;
  }
}
