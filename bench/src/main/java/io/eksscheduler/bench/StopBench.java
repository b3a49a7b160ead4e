package io.eksscheduler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.bench.BenchSandbox.Census;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Stops the sandbox's {@code dev} scenario with {@code eks-scheduler stop} and prints the time
 * against the least time any safe stop could take ({@link StopLowerBound}: the running Jobs
 * suspended, the longest chain of sleeps, the drain, the instances' termination), with the ratio,
 * and how many managed nodes EKS terminated past its PodDisruptionBudget limit (the simulator's
 * counter: a stop that left a pod to hold a node would wait for it). The speed is 1 by default, so
 * that the grace periods and EKS's 15-minute limit are the real ones. Asserts nothing.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.eksscheduler.bench.StopBench
 * sandbox/target/eks-sandbox.jar cli/target/eks-scheduler.jar [speed] [work-dir]}.
 */
public final class StopBench {

  private static final String SCENARIO = "dev";
  private static final PrintStream OUT = System.out;

  private final BenchArgs args;
  private final Command host;

  private StopBench(BenchArgs args) {
    this.args = args;
    this.host = args.host();
  }

  public static void main(String[] argv) throws Exception {
    System.exit(
        new StopBench(BenchArgs.parse("StopBench", argv, 1, "/tmp/eks-scheduler-stop-bench"))
            .run());
  }

  private int run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    OUT.printf("== stop: scenario %s, speed %s (up not timed)%n", SCENARIO, args.speed());
    OUT.printf("machine: %s; load average at start %s%n", Machine.describe(), Machine.load());
    Path dir = args.work().resolve("sandbox");
    try {
      BenchSandbox sandbox = BenchSandbox.up(args.sandboxJar(), dir, SCENARIO, args.speed(), host);
      Census awake = sandbox.census();
      OUT.printf(
          "  sandbox up: %.0f s; %d nodes, %d pods (%d Running)%n",
          (System.nanoTime() - start) / 1e9, awake.nodes(), awake.pods(), awake.running());
      JsonNode before = sandbox.list("deployments,statefulsets,jobs");
      Path state = Files.createTempDirectory(args.work(), "state-");
      OUT.printf("== eks-scheduler stop --cluster %s (JVM start included)%n", SCENARIO);
      Command.Result stop =
          sandbox
              .timed()
              .run(
                  "stop",
                  Duration.ofMinutes(40),
                  List.of(
                      BenchSandbox.java(),
                      "-jar",
                      args.cliJar().toString(),
                      "stop",
                      "--cluster",
                      SCENARIO,
                      "--state-dir",
                      state.toString(),
                      "--output",
                      "json"));
      Files.writeString(args.work().resolve("logs").resolve("stop.jsonl"), stop.stdout());
      RunOutput output = RunOutput.parse(stop.stdout());
      OUT.printf(
          "  time: %.1f s; exit %d, run %s%n",
          stop.millis() / 1000.0, stop.exitCode(), output.status());
      output.print(OUT);
      OUT.printf(
          "  managed nodes terminated past EKS's PodDisruptionBudget limit: %s%n",
          sandbox.counters().path("terminatedPastEvictionLimit").asText("?"));
      StopLowerBound bound =
          StopLowerBound.of(before, sandbox.list("deployments,statefulsets,jobs"));
      double boundSeconds = bound.total().toMillis() / 1000.0;
      double stopSeconds = stop.millis() / 1000.0;
      OUT.printf("== result (one run, speed %s)%n", args.speed());
      OUT.printf("  eks-scheduler stop: %7.1f s%n", stopSeconds);
      OUT.printf("  lower bound:        %7.1f s = %s%n", boundSeconds, bound.explain());
      OUT.printf(
          "  ratio stop / lower bound: %.2fx (goal: at most 1.2x); above the bound: %.1f s%n",
          stopSeconds / boundSeconds, stopSeconds - boundSeconds);
      return stop.exitCode();
    } finally {
      BenchSandbox.down(args.sandboxJar(), dir, host);
    }
  }
}
