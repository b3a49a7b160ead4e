package io.eksscheduler.sandbox.controlplane;

import io.eksscheduler.sandbox.SandboxLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts the sandbox's long-running processes with their output in {@code logs/} and their pid in
 * {@code pids/}, and stops them from those pid files alone, so that {@code down} works from any
 * JVM, even after the one that ran {@code up} crashed.
 */
public final class ManagedProcesses {

  /** Executables (or the webhook's main class) a stray sweep may stop; nothing else is touched. */
  static final List<String> SWEEPABLE =
      List.of(
          "etcd",
          "kube-apiserver",
          "kube-controller-manager",
          "kube-scheduler",
          "kwok",
          "io.eksscheduler.sandbox.network.NetworkMain",
          "io.eksscheduler.sandbox.aws.SimulatorMain");

  private final SandboxLayout layout;

  public ManagedProcesses(SandboxLayout layout) {
    this.layout = layout;
  }

  /** Starts {@code command} detached from this JVM's standard streams and records its pid. */
  public ProcessHandle start(String component, List<String> command) {
    try {
      Files.createDirectories(layout.logs());
      Files.createDirectories(layout.pids());
      Process process =
          new ProcessBuilder(command)
              .directory(layout.dir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.log(component).toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      Files.writeString(layout.pidFile(component), Long.toString(process.pid()) + "\n");
      return process.toHandle();
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + component + ": " + e.getMessage(), e);
    }
  }

  /** The live process recorded for {@code component}, if its pid file names one of ours. */
  public Optional<ProcessHandle> running(String component) {
    return readPid(layout.pidFile(component)).flatMap(this::ours);
  }

  /** Components that have a pid file, in name order. */
  public List<String> recorded() {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(layout.pids())) {
      return names;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.pids(), "*.pid")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        names.add(name.substring(0, name.length() - ".pid".length()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + layout.pids() + ": " + e.getMessage(), e);
    }
    names.sort(String::compareTo);
    return names;
  }

  /**
   * Stops every recorded process and every stray sandbox process whose command line names this
   * directory: SIGTERM, then SIGKILL for those still alive after {@code grace}. Safe to call twice.
   *
   * @return the components (or {@code stray-PID}) that were stopped
   */
  public List<String> stopAll(Duration grace) {
    List<String> stopped = new ArrayList<>();
    List<ProcessHandle> targets = new ArrayList<>();
    for (String component : recorded()) {
      Optional<ProcessHandle> handle = running(component);
      handle.ifPresent(
          h -> {
            targets.add(h);
            stopped.add(component);
          });
    }
    for (ProcessHandle stray : strays()) {
      if (targets.stream().noneMatch(t -> t.pid() == stray.pid())) {
        targets.add(stray);
        stopped.add("stray-" + stray.pid());
      }
    }
    targets.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle target : targets) {
      long left = Math.max(0, deadline - System.nanoTime());
      awaitExit(target, Duration.ofNanos(left));
    }
    for (ProcessHandle target : targets) {
      if (target.isAlive()) {
        target.destroyForcibly();
        awaitExit(target, Duration.ofSeconds(10));
      }
    }
    List<String> survivors = new ArrayList<>();
    for (ProcessHandle target : targets) {
      if (target.isAlive()) {
        survivors.add(Long.toString(target.pid()));
      }
    }
    if (!survivors.isEmpty()) {
      throw new IllegalStateException("processes survived SIGKILL: " + survivors);
    }
    for (String component : recorded()) {
      try {
        Files.deleteIfExists(layout.pidFile(component));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return stopped;
  }

  /** Live sandbox processes whose command line names this sandbox's directory. */
  public List<ProcessHandle> strays() {
    long self = ProcessHandle.current().pid();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.pid() != self).filter(this::isOurs).toList();
    }
  }

  private Optional<ProcessHandle> ours(long pid) {
    // A pid file can outlive its process and the pid be reused: only trust a command line that
    // names this sandbox's directory.
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::isOurs);
  }

  private boolean isOurs(ProcessHandle process) {
    List<String> args = commandLine(process.pid());
    if (args.isEmpty()) {
      return false;
    }
    boolean sandboxProgram =
        args.stream()
            .anyMatch(a -> SWEEPABLE.stream().anyMatch(s -> a.equals(s) || a.endsWith("/" + s)));
    String dir = layout.dir().toString();
    boolean namesDir =
        args.stream()
            .anyMatch(a -> a.contains(dir + "/") || a.endsWith(dir) || a.contains(dir + ","));
    return sandboxProgram && namesDir;
  }

  /** The process's arguments from {@code /proc}, empty when it is gone or unreadable. */
  public static List<String> commandLine(long pid) {
    Path file = Path.of("/proc", Long.toString(pid), "cmdline");
    try {
      String raw = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      if (raw.isEmpty()) {
        return List.of();
      }
      return List.of(raw.split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<Long> readPid(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // Still alive: the caller escalates to SIGKILL.
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("waiting for pid " + process.pid() + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping pid " + process.pid(), e);
    }
  }
}
