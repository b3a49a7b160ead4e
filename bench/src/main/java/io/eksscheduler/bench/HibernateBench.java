package io.eksscheduler.bench;

import io.eksscheduler.bench.BenchSandbox.Census;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hibernates the sandbox's {@code large} scenario (100 nodes, 3,000 pods) twice in one run, each
 * time on a fresh sandbox at the same speed: with {@code eks-scheduler stop}, and with {@code
 * kubectl drain} node after node as a naive script does. Prints both times, the pods each evicted,
 * the ratio and the Kubernetes API requests per pod from the audit log. Asserts nothing.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.eksscheduler.bench.HibernateBench
 * sandbox/target/eks-sandbox.jar cli/target/eks-scheduler.jar [speed] [work-dir]}.
 */
public final class HibernateBench {

  private static final String SCENARIO = "large";
  private static final String CLUSTER = "large";
  private static final List<String> DRAIN_FLAGS =
      List.of("--ignore-daemonsets", "--delete-emptydir-data", "--force", "--timeout=5m");
  private static final PrintStream OUT = System.out;

  private final Path sandboxJar;
  private final Path cliJar;
  private final double speed;
  private final Path work;
  private final Command host;

  private HibernateBench(BenchArgs args) {
    this.sandboxJar = args.sandboxJar();
    this.cliJar = args.cliJar();
    this.speed = args.speed();
    this.work = args.work();
    this.host = args.host();
  }

  /**
   * One side's figures; {@code podsOffMillis} is the part spent taking the workloads' pods off the
   * nodes (for stop, its steps sleep-workloads and drain).
   */
  private record Side(long millis, long podsOffMillis, int pods, RequestTally tally) {}

  public static void main(String[] args) throws Exception {
    new HibernateBench(
            BenchArgs.parse("HibernateBench", args, 30, "/tmp/eks-scheduler-hibernate-bench"))
        .run();
  }

  private void run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    OUT.printf(
        "== hibernate: scenario %s, speed %s, a fresh sandbox for each side (up/down not timed)%n",
        SCENARIO, speed);
    OUT.printf("machine: %s; load average at start %s%n", Machine.describe(), Machine.load());
    OUT.printf(
        "identity of both timed sides: %s (cluster-admin, token kubeconfig)%n", BenchSandbox.USER);
    Side stop;
    Side drain;
    try {
      stop = stopSide();
      drain = drainSide();
    } finally {
      BenchSandbox.down(sandboxJar, work.resolve("sandbox"), host);
    }
    OUT.printf("== result (one run, same machine, same speed %s)%n", speed);
    OUT.printf(
        "  eks-scheduler stop:        %8.1f s  end to end: preflight, pauses, workloads to 0,"
            + " drain, node group to 0 and its nodes gone%n",
        stop.millis() / 1000.0);
    OUT.printf(
        "  kubectl drain, node-serial: %7.1f s  drain only: the node group is not scaled%n",
        drain.millis() / 1000.0);
    OUT.printf(
        "  ratio drain / stop: %.1fx (goal: at least 5x)%n",
        (double) drain.millis() / stop.millis());
    OUT.printf(
        "  pods off the nodes only: stop's sleep-workloads + drain steps %.1f s, ratio %.1fx%n",
        stop.podsOffMillis() / 1000.0, (double) drain.millis() / stop.podsOffMillis());
    OUT.printf(
        "  pods evicted: stop %d, drain %d; pods removed: stop %d (+%d replacements),"
            + " drain %d (+%d replacements)%n",
        stop.tally().evicted(),
        drain.tally().evicted(),
        stop.tally().removed(),
        stop.tally().removedReplacements(),
        drain.tally().removed(),
        drain.tally().removedReplacements());
    OUT.printf(
        "  Kubernetes API requests per pod: stop %.2f (goal: at most 3), drain %.2f"
            + " (%d and %d requests / %d pods)%n",
        perPod(stop),
        perPod(drain),
        stop.tally().requests(),
        drain.tally().requests(),
        stop.pods());
    OUT.printf(
        "  load average at end %s; whole benchmark %.0f s%n",
        Machine.load(), (System.nanoTime() - start) / 1e9);
  }

  private Side stopSide() throws IOException, InterruptedException {
    OUT.printf(
        "== A: eks-scheduler stop --cluster %s (fresh --state-dir, JVM start included)%n", CLUSTER);
    BenchSandbox sandbox = up();
    Census before = sandbox.census();
    long auditFrom = AuditLog.end(sandbox.auditLog());
    long awsFrom = sandbox.awsRequestsEnd();
    Path state = Files.createTempDirectory(work, "state-");
    Instant from = Instant.now();
    Command.Result result =
        sandbox
            .timed()
            .run(
                "stop",
                Duration.ofMinutes(40),
                List.of(
                    BenchSandbox.java(),
                    "-jar",
                    cliJar.toString(),
                    "stop",
                    "--cluster",
                    CLUSTER,
                    "--state-dir",
                    state.toString(),
                    "--output",
                    "json"));
    Instant to = Instant.now();
    Files.writeString(work.resolve("logs").resolve("stop.jsonl"), result.stdout());
    RunOutput output = RunOutput.parse(result.stdout());
    OUT.printf(
        "  time: %.1f s; exit %d, run %s%s%n",
        result.millis() / 1000.0,
        result.exitCode(),
        output.status(),
        result.exitCode() == 0 ? "" : " (" + result.lastLine() + ")");
    output.print(OUT);
    RequestTally tally = tally(sandbox, before, auditFrom, from, to);
    long podsOff =
        output.steps().entrySet().stream()
            .filter(e -> e.getKey().equals("sleep-workloads") || e.getKey().equals("drain"))
            .mapToLong(e -> e.getValue().took().toMillis())
            .sum();
    Side side = new Side(result.millis(), podsOff, before.pods(), tally);
    OUT.printf("  AWS API requests: %s%n", sandbox.awsRequestsFrom(awsFrom));
    BenchSandbox.down(sandboxJar, work.resolve("sandbox"), host);
    return side;
  }

  private Side drainSide() throws IOException, InterruptedException {
    OUT.printf("== B: kubectl drain NODE %s, node after node%n", String.join(" ", DRAIN_FLAGS));
    BenchSandbox sandbox = up();
    Census before = sandbox.census();
    List<String> nodes = sandbox.nodeNames();
    long auditFrom = AuditLog.end(sandbox.auditLog());
    Command timed = sandbox.timed();
    List<Long> perNode = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Instant from = Instant.now();
    long start = System.nanoTime();
    for (int i = 0; i < nodes.size(); i++) {
      List<String> argv = new ArrayList<>(List.of("kubectl", "drain", nodes.get(i)));
      argv.addAll(DRAIN_FLAGS);
      Command.Result result = timed.run("drain-" + i, Duration.ofMinutes(6), argv);
      perNode.add(result.millis());
      if (result.exitCode() != 0) {
        failures.add(nodes.get(i) + ": " + result.lastLine());
      }
      if ((i + 1) % 10 == 0) {
        System.err.printf(
            "  drained %d/%d nodes in %.0f s%n",
            i + 1, nodes.size(), (System.nanoTime() - start) / 1e9);
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    Instant to = Instant.now();
    List<Long> sorted = perNode.stream().sorted().toList();
    OUT.printf(
        "  time: %.1f s for %d nodes (per node: min %.1f s, median %.1f s, max %.1f s);"
            + " failed drains: %d%n",
        millis / 1000.0,
        nodes.size(),
        sorted.get(0) / 1000.0,
        sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0,
        failures.size());
    failures.stream().limit(5).forEach(f -> OUT.printf("    %s%n", f));
    OUT.println(
        "  did: cordoned and drained each node, one kubectl process per node; the Deployments"
            + " keep their replicas, so their ReplicaSets recreate each evicted pod (where they"
            + " went: see after); the node group is not scaled");
    Side side =
        new Side(millis, millis, before.pods(), tally(sandbox, before, auditFrom, from, to));
    BenchSandbox.down(sandboxJar, work.resolve("sandbox"), host);
    return side;
  }

  private BenchSandbox up() throws IOException, InterruptedException {
    long start = System.nanoTime();
    BenchSandbox sandbox =
        BenchSandbox.up(sandboxJar, work.resolve("sandbox"), SCENARIO, speed, host);
    Census census = sandbox.census();
    OUT.printf(
        "  sandbox up (not timed): %.0f s; %d nodes, %d pods (%d Running); pod grace period %s s;"
            + " load average %s%n",
        (System.nanoTime() - start) / 1e9,
        census.nodes(),
        census.pods(),
        census.running(),
        sandbox.podGracePeriod(),
        Machine.load());
    return sandbox;
  }

  /** Reads the side's audit window and prints what the requests and pods tell. */
  private RequestTally tally(
      BenchSandbox sandbox, Census before, long auditFrom, Instant from, Instant to)
      throws IOException, InterruptedException {
    Thread.sleep(2000); // the API server writes an audit event once the response is complete
    RequestTally tally =
        RequestTally.of(
            AuditLog.read(sandbox.auditLog(), auditFrom, from, to),
            BenchSandbox.USER,
            before.podKeys());
    Census after = sandbox.census();
    OUT.printf(
        "  pods evicted: %d (successful eviction creates by the tool); evictions refused (429): %d%n",
        tally.evicted(), tally.evictionsRefused());
    OUT.printf(
        "  pods removed: %d of the %d there before, and %d created during the run;"
            + " first removed by: %s%n",
        tally.removed(), before.pods(), tally.removedReplacements(), tally.removedFirstBy());
    OUT.printf(
        "  after: %d nodes (%d cordoned), %d pods (%d Running, %d Pending, %d terminating)%n",
        after.nodes(),
        after.cordoned(),
        after.pods(),
        after.running(),
        after.pending(),
        after.terminating());
    OUT.printf(
        "  Kubernetes API requests by the tool: %d = %.2f per pod (%d pods before)%n",
        tally.requests(), (double) tally.requests() / before.pods(), before.pods());
    tally.printBreakdown(OUT, "    ");
    return tally;
  }

  private static double perPod(Side side) {
    return (double) side.tally().requests() / side.pods();
  }
}
