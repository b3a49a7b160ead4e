package io.eksscheduler.cli.it;

import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs {@code eks-scheduler stop}, {@code start}, {@code status} and {@code resume} against the
 * sandbox as {@link StopRuns} does (each in a JVM of its own, with the sandbox's environment, one
 * state directory for all of them, a numbered log per process), adding the wake's commands.
 */
final class WakeRuns {
  private final StopRuns runs;

  /** Runs whose state goes to {@code dir}/state and logs to {@code dir}/logs (emptied first). */
  WakeRuns(TestSandbox sandbox, Path dir) throws IOException {
    this(new StopRuns(sandbox, dir));
  }

  /** Runs of the wake's commands through {@code runs} and the store it uses. */
  WakeRuns(StopRuns runs) {
    this.runs = runs;
  }

  /** The runs of {@code stop}, {@code run} and {@code resume} these share their state with. */
  StopRuns runs() {
    return runs;
  }

  /** {@code stop --cluster dev ...more} with this state directory. */
  String[] stop(String... more) {
    return runs.stop(more);
  }

  /** {@code start --cluster dev ...more} with this state directory. */
  String[] start(String... more) {
    return runs.startCluster(more);
  }

  /** {@code run FILE ...more} with this state directory. */
  String[] run(Path playbook, String... more) {
    return runs.run(playbook, more);
  }

  /** {@code status --cluster dev}. */
  String[] status() {
    return new String[] {"status", "--cluster", ClusterSnapshot.CLUSTER};
  }

  /** {@code resume RUN_ID} with this state directory. */
  String[] resume(String runId) {
    return runs.resume(runId);
  }

  /** Starts {@code eks-scheduler ARGS}; {@code crashAt} names a crash point, or null. */
  StopRuns.Launch launch(String label, String crashAt, String... args) throws IOException {
    return runs.start(label, crashAt, args);
  }

  /** Waits for a process to end, killing it (and failing) past {@link StopRuns#DEADLINE}. */
  StopRuns.Finished await(StopRuns.Launch launch) throws IOException, InterruptedException {
    return runs.await(launch);
  }

  /** Runs {@code eks-scheduler ARGS} to its end. */
  StopRuns.Finished run(String label, String crashAt, String... args)
      throws IOException, InterruptedException {
    return runs.run(label, crashAt, args);
  }

  /** The ids of the runs in the state directory. */
  List<String> runIds() throws IOException {
    return runs.runIds();
  }

  /** The run's state as the command line left it, empty when the run was never created. */
  Optional<RunState> state(String runId) throws IOException {
    return runs.state(runId);
  }
}
