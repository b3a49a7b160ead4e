package io.eksscheduler.cli.it;

import io.eksscheduler.cli.store.ClusterStores;
import io.eksscheduler.cli.store.Fence;
import io.eksscheduler.cli.testing.Jvm;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code eks-scheduler stop}, {@code resume} and friends against the sandbox, each in a JVM of
 * its own with the sandbox's environment (as a user's shell after {@code eval "$(eks-sandbox
 * up)"}), one state directory for all of them, each process's output kept in a numbered log; and
 * reads back a run's state as the command line wrote it.
 */
final class StopRuns {
  /** How long one process may take; a stop takes about half a minute at speed 10. */
  static final Duration DEADLINE = Duration.ofMinutes(6);

  /** Exit code of a process killed by SIGKILL. */
  static final int KILLED = 137;

  /** A process started, with where its output goes and when it started. */
  record Launch(Process process, Path log, String label, long startNanos) {
    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }
  }

  /** A process that ended: its exit code, output and duration. */
  record Finished(String label, int code, String output, Duration took) {
    @Override
    public String toString() {
      return label + ": exit " + code + " after " + took.toMillis() + " ms\n" + output;
    }
  }

  private final TestSandbox sandbox;
  private final Path dir;
  private final Path stateDir;
  private final Path logs;
  private final Duration lease;
  private int count;

  /** Runs whose state goes to {@code dir}/state and logs to {@code dir}/logs (emptied first). */
  StopRuns(TestSandbox sandbox, Path dir) throws IOException {
    this(sandbox, dir, null);
  }

  /**
   * Runs whose state goes to the cluster store of the sandbox's cluster, with Leases of {@code
   * lease}, and logs to {@code dir}/logs (emptied first).
   */
  static StopRuns clusterStore(TestSandbox sandbox, Path dir, Duration lease) throws IOException {
    return new StopRuns(sandbox, dir, lease);
  }

  private StopRuns(TestSandbox sandbox, Path dir, Duration lease) throws IOException {
    this.sandbox = sandbox;
    this.dir = dir;
    this.lease = lease;
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    this.stateDir = Files.createDirectories(dir.resolve("state"));
    this.logs = Files.createDirectories(dir.resolve("logs"));
  }

  /** The options that name this store. */
  List<String> storeArgs() {
    return lease == null
        ? List.of("--state-dir", stateDir.toString())
        : List.of("--state", "kubernetes", "--lease-duration", lease.toSeconds() + "s");
  }

  private String[] command(List<String> head, String... more) {
    List<String> args = new ArrayList<>(head);
    args.addAll(storeArgs());
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** {@code stop --cluster dev ...more} with this store. */
  String[] stop(String... more) {
    return command(List.of("stop", "--cluster", ClusterSnapshot.CLUSTER), more);
  }

  /** {@code start --cluster dev ...more} with this store. */
  String[] startCluster(String... more) {
    return command(List.of("start", "--cluster", ClusterSnapshot.CLUSTER), more);
  }

  /** {@code run FILE ...more} with this store. */
  String[] run(Path playbook, String... more) {
    return command(List.of("run", playbook.toString()), more);
  }

  /** {@code resume RUN_ID} with this store. */
  String[] resume(String runId) {
    return command(List.of("resume", runId));
  }

  /** Starts {@code eks-scheduler ARGS}; {@code crashAt} names a crash point, or null. */
  Launch start(String label, String crashAt, String... args) throws IOException {
    return start(
        label,
        false,
        crashAt == null ? List.of() : List.of("-Deks-scheduler.crash-at=" + crashAt),
        args);
  }

  /**
   * Starts {@code eks-scheduler ARGS} with {@code jvmOptions}; with {@code apart}, in a working
   * directory and HOME of its own, as on another machine (nothing on disk in common with the other
   * runners).
   */
  Launch start(String label, boolean apart, List<String> jvmOptions, String... args)
      throws IOException {
    count++;
    String name = String.format("%02d-%s", count, label.replaceAll("[^A-Za-z0-9.-]", "_"));
    Path log = logs.resolve(name + ".log");
    Map<String, String> env = new java.util.HashMap<>(sandbox.sandbox().environment().variables());
    Path home = null;
    if (apart) {
      home = Files.createDirectories(dir.resolve("machines").resolve(name));
      env.put("HOME", home.toString());
    }
    return new Launch(Jvm.start(log, env, home, jvmOptions, args), log, label, System.nanoTime());
  }

  /** Waits for a process to end, killing it (and failing) past {@link #DEADLINE}. */
  Finished await(Launch launch) throws IOException, InterruptedException {
    long left = DEADLINE.toMillis() - launch.elapsed().toMillis();
    if (!launch.process().waitFor(Math.max(0, left), TimeUnit.MILLISECONDS)) {
      launch.process().destroyForcibly().waitFor();
      throw new AssertionError(
          launch.label()
              + " still running after "
              + DEADLINE
              + ":\n"
              + Files.readString(launch.log()));
    }
    Finished done =
        new Finished(
            launch.label(),
            launch.process().exitValue(),
            Files.readString(launch.log()),
            launch.elapsed());
    System.err.printf(
        "[stop-runs] %s: exit %d after %d ms%n", done.label(), done.code(), done.took().toMillis());
    return done;
  }

  /** Runs {@code eks-scheduler ARGS} to its end. */
  Finished run(String label, String crashAt, String... args)
      throws IOException, InterruptedException {
    return await(start(label, crashAt, args));
  }

  /** The store the command line writes, as a reader of it. */
  private RunStore reader() {
    return lease == null
        ? new DirectoryRunStore(stateDir)
        : ClusterStores.open(
            sandbox.adminClient(),
            ClusterStores.DEFAULT_NAMESPACE,
            new Fence(),
            lease,
            java.time.Clock.systemUTC(),
            Sleeper.system(),
            "test-reader",
            line -> {});
  }

  /** The ids of the runs in the store. */
  List<String> runIds() throws IOException {
    try (RunStore store = reader()) {
      return store.runIds();
    }
  }

  /** The run's state as the command line left it, empty when the run was never created. */
  Optional<RunState> state(String runId) throws IOException {
    try (RunStore store = reader()) {
      return store.load(runId);
    }
  }
}
