package io.eksscheduler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.bench.BenchSandbox.Census;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wakes the sandbox's {@code large} scenario (100 nodes, 3,000 pods, 56 Deployments that depend on
 * a database slow to turn Ready) with {@code eks-scheduler start} after a {@code stop}, and prints
 * the time against the least time any wake could take ({@link WakeLowerBound}: a node's launch,
 * then the longest chain of readiness delays), with the ratio. The delays are the sandbox's own
 * (the scenario's launch delay, the database's {@code ready-after}), read back from the sandbox,
 * not assumed; the speed is 1 by default, so that they are the scenario's real-time figures and the
 * tool's own time (a JVM, API calls, polling) weighs what it would on EKS. Then, untimed by the
 * wake, it measures the sandbox's control plane alone on the last wave (kubectl scales its
 * Deployments back at once), which gives the least a wake can take on this machine. Asserts
 * nothing.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.eksscheduler.bench.WakeBench
 * sandbox/target/eks-sandbox.jar cli/target/eks-scheduler.jar [speed] [work-dir]}.
 */
public final class WakeBench {

  private static final String SCENARIO = "large";
  private static final String CLUSTER = "large";
  private static final Duration NODES_GONE = Duration.ofMinutes(15);
  private static final PrintStream OUT = System.out;

  private final Path sandboxJar;
  private final Path cliJar;
  private final double speed;
  private final Path work;
  private final Command host;

  private WakeBench(BenchArgs args) {
    this.sandboxJar = args.sandboxJar();
    this.cliJar = args.cliJar();
    this.speed = args.speed();
    this.work = args.work();
    this.host = args.host();
  }

  public static void main(String[] args) throws Exception {
    System.exit(
        new WakeBench(BenchArgs.parse("WakeBench", args, 1, "/tmp/eks-scheduler-wake-bench"))
            .run());
  }

  private int run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    OUT.printf("== wake: scenario %s, speed %s (up and stop not timed)%n", SCENARIO, speed);
    OUT.printf("machine: %s; load average at start %s%n", Machine.describe(), Machine.load());
    OUT.printf("identity: %s (cluster-admin, token kubeconfig)%n", BenchSandbox.USER);
    try {
      BenchSandbox sandbox =
          BenchSandbox.up(sandboxJar, work.resolve("sandbox"), SCENARIO, speed, host);
      Census awake = sandbox.census();
      OUT.printf(
          "  sandbox up: %.0f s; %d nodes, %d pods (%d Running)%n",
          (System.nanoTime() - start) / 1e9, awake.nodes(), awake.pods(), awake.running());
      Path state = Files.createTempDirectory(work, "state-");
      Command.Result stop = cli(sandbox, "stop", state);
      if (stop.exitCode() != 0) {
        OUT.printf("  stop failed (exit %d): %s%n", stop.exitCode(), stop.lastLine());
        return 1;
      }
      sandbox.awaitNoNode(NODES_GONE);
      Census asleep = sandbox.census();
      OUT.printf(
          "  stopped (not timed): %.1f s; %d nodes, %d pods left (Pending or terminating)%n",
          stop.millis() / 1000.0, asleep.nodes(), asleep.pods());

      OUT.printf(
          "== eks-scheduler start --cluster %s (same --state-dir, JVM start included)%n", CLUSTER);
      long awsFrom = sandbox.awsRequestsEnd();
      Command.Result wake = cli(sandbox, "start", state);
      Files.writeString(work.resolve("logs").resolve("start.jsonl"), wake.stdout());
      RunOutput output = RunOutput.parse(wake.stdout());
      OUT.printf(
          "  time: %.1f s; exit %d, run %s%s%n",
          wake.millis() / 1000.0,
          wake.exitCode(),
          output.status(),
          wake.exitCode() == 0 ? "" : " (" + wake.lastLine() + ")");
      output.print(OUT);
      OUT.printf("  AWS API requests: %s%n", sandbox.awsRequestsFrom(awsFrom));
      Census after = sandbox.census();
      OUT.printf(
          "  after: %d nodes, %d pods (%d Running, %d Pending) of %d before the stop%n",
          after.nodes(), after.pods(), after.running(), after.pending(), awake.pods());

      WakeLowerBound bound =
          WakeLowerBound.of(sandbox.settings(), sandbox.list("deployments,statefulsets"));
      double boundSeconds = bound.total().toMillis() / 1000.0;
      double wakeSeconds = wake.millis() / 1000.0;
      OUT.printf("== result (one run, speed %s)%n", speed);
      OUT.printf("  eks-scheduler start: %7.1f s%n", wakeSeconds);
      OUT.printf("  lower bound:         %7.1f s = %s%n", boundSeconds, bound.explain());
      OUT.printf(
          "  ratio start / lower bound: %.2fx (goal: at most 1.2x); above the bound: %.1f s%n",
          wakeSeconds / boundSeconds, wakeSeconds - boundSeconds);
      LastWave last = LastWave.of(output.steps().get("wake-workloads"));
      double excess =
          Math.max(
              0,
              last.readyAfterLastPatch().toMillis() / 1000.0
                  - bound.chain().get(bound.chain().size() - 1).ready().toMillis()
                      / 1000.0
                      / speed);
      OUT.printf(
          "  of which the control plane: the last wave's %d workloads patched in %.1f s, their pods"
              + " Ready %.1f s after the last patch where the bound counts %.1f s (%.1f s more:"
              + " the sandbox's API server, controllers, scheduler and KWOK creating, binding and"
              + " reporting %d pods on this machine)%n",
          last.patched(),
          last.patching().toMillis() / 1000.0,
          last.readyAfterLastPatch().toMillis() / 1000.0,
          last.readyAfterLastPatch().toMillis() / 1000.0 - excess,
          excess,
          last.pods());
      OUT.printf(
          "  the tool's own time above the bound: %.1f s; start / (bound + that control-plane"
              + " time): %.2fx%n",
          wakeSeconds - boundSeconds - excess, wakeSeconds / (boundSeconds + excess));
      double lastLink = last.readyAfterLastPatch().toMillis() / 1000.0 - excess;
      Map<String, Integer> wave = lastWave(sandbox.list("deployments"));
      double alone = controlPlaneAlone(sandbox, wave);
      double floor = boundSeconds - lastLink + alone;
      OUT.printf(
          "== the control plane alone: kubectl scales the last wave's %d Deployments from 0 back"
              + " at once (no tool)%n",
          wave.size());
      OUT.printf(
          "  every one Ready after %.1f s (the bound counts %.1f s for that link)%n",
          alone, lastLink);
      OUT.printf(
          "  the least a wake can take on this sandbox: %.1f s (the bound with that time for the"
              + " last link); start / that: %.2fx%n",
          floor, wakeSeconds / floor);
      OUT.printf(
          "  load average at end %s; whole benchmark %.0f s%n",
          Machine.load(), (System.nanoTime() - start) / 1e9);
      return wake.exitCode() == 0 ? 0 : 1;
    } finally {
      BenchSandbox.down(sandboxJar, work.resolve("sandbox"), host);
    }
  }

  /** The scenario's Deployments that depend on another workload, replicas by namespace/name. */
  private static Map<String, Integer> lastWave(JsonNode deployments) {
    Map<String, Integer> out = new TreeMap<>();
    for (JsonNode d : deployments) {
      if (d.path("metadata").path("annotations").has(WakeLowerBound.DEPENDS_ON)) {
        out.put(WakeLowerBound.id(d), d.path("spec").path("replicas").asInt());
      }
    }
    return out;
  }

  /** Whether every Deployment of {@code wave} has all its replicas Ready and up to date. */
  private static boolean allReady(JsonNode deployments, Map<String, Integer> wave) {
    int ready = 0;
    for (JsonNode d : deployments) {
      Integer want = wave.get(WakeLowerBound.id(d));
      JsonNode status = d.path("status");
      if (want != null
          && status.path("readyReplicas").asInt() == want
          && status.path("updatedReplicas").asInt() == want
          && status.path("replicas").asInt() == want) {
        ready++;
      }
    }
    return ready == wave.size();
  }

  /**
   * How long the sandbox's control plane alone takes to bring {@code wave} (replicas by
   * namespace/name) back to Ready: scaled to zero and emptied (not timed), then scaled back by one
   * kubectl call per namespace and replica count, all running at once, until every pod is Ready.
   */
  private static double controlPlaneAlone(BenchSandbox sandbox, Map<String, Integer> wave)
      throws IOException, InterruptedException {
    Map<String, Map<Integer, List<String>>> calls = new TreeMap<>();
    for (Map.Entry<String, Integer> e : wave.entrySet()) {
      String[] id = e.getKey().split("/");
      calls
          .computeIfAbsent(id[0], k -> new TreeMap<>())
          .computeIfAbsent(e.getValue(), k -> new ArrayList<>())
          .add(id[1]);
    }
    for (Map.Entry<String, Map<Integer, List<String>>> ns : calls.entrySet()) {
      List<String> all = new ArrayList<>();
      ns.getValue().values().forEach(all::addAll);
      sandbox.scale("kubectl-scale-down", ns.getKey(), 0, all);
    }
    long deadline = System.nanoTime() + NODES_GONE.toNanos();
    for (String ns : calls.keySet()) {
      while (sandbox.podCount(ns) > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("pods of " + ns + " still there after " + NODES_GONE);
        }
        Thread.sleep(500);
      }
    }
    ExecutorService kubectl = Executors.newCachedThreadPool();
    try {
      long start = System.nanoTime();
      List<Future<?>> scaled = new ArrayList<>();
      int n = 0;
      for (Map.Entry<String, Map<Integer, List<String>>> ns : calls.entrySet()) {
        for (Map.Entry<Integer, List<String>> size : ns.getValue().entrySet()) {
          String name = "kubectl-scale-" + n++;
          scaled.add(
              kubectl.submit(
                  () -> {
                    sandbox.scale(name, ns.getKey(), size.getKey(), size.getValue());
                    return null;
                  }));
        }
      }
      for (Future<?> f : scaled) {
        f.get();
      }
      // Polled as the wake polls: the Deployments' status, not their 2,800 pods, so that the
      // polling does not load the control plane it measures.
      while (!allReady(sandbox.list("deployments"), wave)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the wave not Ready after " + NODES_GONE);
        }
        Thread.sleep(250);
      }
      return (System.nanoTime() - start) / 1e9;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("scaling the wave back: " + e.getCause().getMessage(), e);
    } finally {
      kubectl.shutdownNow();
    }
  }

  /**
   * The last wave of {@code dependencies.wake} that scaled workloads, from the step's log: how many
   * workloads it patched, how long the patches took, and how long after the last one the wave was
   * awake (every rollout Ready).
   */
  record LastWave(int patched, int pods, Duration patching, Duration readyAfterLastPatch) {
    private static final Pattern PATCH = Pattern.compile(": replicas \\d+ -> (\\d+)$");
    private static final Pattern AWAKE = Pattern.compile("^wave \\d+ awake: ");

    static LastWave of(RunOutput.Step step) {
      LastWave last = new LastWave(0, 0, Duration.ZERO, Duration.ZERO);
      Instant waveStart = null;
      Instant lastPatch = null;
      int patched = 0;
      int pods = 0;
      for (RunOutput.Log log : step.logs()) {
        Matcher patch = PATCH.matcher(log.message());
        if (patch.find()) {
          waveStart = waveStart == null ? log.time() : waveStart;
          lastPatch = log.time();
          patched++;
          pods += Integer.parseInt(patch.group(1));
        } else if (AWAKE.matcher(log.message()).find()) {
          if (patched > 0) {
            last =
                new LastWave(
                    patched,
                    pods,
                    Duration.between(waveStart, lastPatch),
                    Duration.between(lastPatch, log.time()));
          }
          waveStart = null;
          patched = 0;
          pods = 0;
        }
      }
      return last;
    }
  }

  /** Runs {@code eks-scheduler COMMAND --cluster large} as the bench identity, JSON output. */
  private Command.Result cli(BenchSandbox sandbox, String command, Path state)
      throws IOException, InterruptedException {
    return sandbox
        .timed()
        .run(
            command,
            Duration.ofMinutes(40),
            List.of(
                BenchSandbox.java(),
                "-jar",
                cliJar.toString(),
                command,
                "--cluster",
                CLUSTER,
                "--state-dir",
                state.toString(),
                "--output",
                "json"));
  }
}
