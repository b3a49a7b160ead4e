package io.eksscheduler.cli.it;

import io.eksscheduler.cli.testing.Jvm;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
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
  private final Path stateDir;
  private final Path logs;
  private int count;

  /** Runs whose state goes to {@code dir}/state and logs to {@code dir}/logs (emptied first). */
  StopRuns(TestSandbox sandbox, Path dir) throws IOException {
    this.sandbox = sandbox;
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

  /** {@code stop --cluster dev ...more} with this state directory. */
  String[] stop(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stop", "--cluster", ClusterSnapshot.CLUSTER, "--state-dir", stateDir.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** {@code run FILE ...more} with this state directory. */
  String[] run(Path playbook, String... more) {
    List<String> args =
        new ArrayList<>(List.of("run", playbook.toString(), "--state-dir", stateDir.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** {@code resume RUN_ID} with this state directory. */
  String[] resume(String runId) {
    return new String[] {"resume", runId, "--state-dir", stateDir.toString()};
  }

  /** Starts {@code eks-scheduler ARGS}; {@code crashAt} names a crash point, or null. */
  Launch start(String label, String crashAt, String... args) throws IOException {
    count++;
    Path log =
        logs.resolve(String.format("%02d-%s.log", count, label.replaceAll("[^A-Za-z0-9.-]", "_")));
    Map<String, String> env = sandbox.sandbox().environment().variables();
    return new Launch(Jvm.start(log, env, crashAt, args), log, label, System.nanoTime());
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

  /** The ids of the runs in the state directory. */
  List<String> runIds() throws IOException {
    return new DirectoryRunStore(stateDir).runIds();
  }

  /** The run's state as the command line left it, empty when the run was never created. */
  Optional<RunState> state(String runId) throws IOException {
    return new DirectoryRunStore(stateDir).load(runId);
  }
}
