package io.eksscheduler.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints what reconciling a fleet costs: three clusters of one sandbox account (dev, and qa and
 * staging added to it, each on its own control plane), each reconciled as its CronJob's pod would
 * run it ({@code reconcile --fleet F --cluster C --eks-login --state kubernetes}, a JVM each): when
 * nothing is due (awake, then asleep; one after the other), and when all are due (stop, then start;
 * the three at once, as three Jobs). For each: wall time with JVM start, Kubernetes requests (the
 * cluster's audit log, the runner's user) and AWS requests (the simulator's log). Then, on paper,
 * what 200 clusters need of a management cluster. Never asserts.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.eksscheduler.bench.FleetBench SANDBOX_JAR
 * CLI_JAR WORK_DIR [SPEED]} (bench/fleet.sh builds the jars first).
 */
public final class FleetBench {
  private static final List<String> CLUSTERS = List.of("dev", "qa", "staging");
  private static final String RUNNER_USER = "eks-scheduler";
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

  private FleetBench() {}

  /** One reconcile's figures. */
  record Tick(String cluster, int exit, long millis, int kubeRequests) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: FleetBench SANDBOX_JAR CLI_JAR WORK_DIR [SPEED]");
      System.exit(2);
    }
    Path sandboxJar = Path.of(args[0]).toAbsolutePath();
    Path cliJar = Path.of(args[1]).toAbsolutePath();
    Path work = Path.of(args[2]).toAbsolutePath();
    double speed = args.length > 3 ? Double.parseDouble(args[3]) : 10;
    Files.createDirectories(work.resolve("logs"));
    Command host = new Command(System.getenv(), work.resolve("logs"));
    Path dir = work.resolve("sandbox");
    System.out.println("== machine: " + Machine.describe());
    BenchSandbox sandbox = BenchSandbox.up(sandboxJar, dir, "dev", speed, host);
    try {
      Command admin = sandbox.admin();
      for (String scenario : List.of("qa", "staging")) {
        admin.output(
            "add-" + scenario,
            Duration.ofMinutes(10),
            List.of(
                BenchSandbox.java(),
                "-jar",
                sandboxJar.toString(),
                "add-cluster",
                "--dir",
                dir.toString(),
                "--scenario",
                scenario));
      }
      Path fleet = work.resolve("fleet.yaml");
      Files.writeString(
          fleet,
          """
          apiVersion: eks-scheduler/v1
          kind: Fleet
          metadata: {name: bench}
          schedules:
            day:
              timeZone: UTC
              awake: [{days: Mon-Sun, from: "08:00", to: "18:00"}]
          clusters:
            - {name: dev, region: eu-west-1, schedule: day}
            - {name: qa, region: eu-west-1, schedule: day}
            - {name: staging, region: eu-west-1, schedule: day}
          """,
          StandardCharsets.UTF_8);
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      Instant awake = today.atTime(12, 0).toInstant(ZoneOffset.UTC);
      Instant asleep = today.atTime(20, 0).toInstant(ZoneOffset.UTC);
      Map<String, Path> audit = new LinkedHashMap<>();
      for (String c : CLUSTERS) {
        audit.put(
            c,
            c.equals("dev")
                ? dir.resolve("logs").resolve("audit.log")
                : dir.resolve("clusters").resolve(c).resolve("logs").resolve("audit.log"));
      }
      Reconciles r = new Reconciles(admin, cliJar, fleet, audit, sandbox);
      Phase idleAwake = r.sequential("nothing due, awake", awake);
      Phase stop = r.concurrent("all due: stop", asleep);
      Phase idleAsleep = r.sequential("nothing due, asleep", asleep);
      Phase start = r.concurrent("all due: start", awake);
      for (Phase p : List.of(idleAwake, stop, idleAsleep, start)) {
        p.print();
      }
      paper(idleAwake, idleAsleep, stop, start, speed);
    } finally {
      BenchSandbox.down(sandboxJar, dir, host);
    }
  }

  /** The ticks of one phase and the AWS requests made during it. */
  record Phase(String name, List<Tick> ticks, int awsRequests, String awsByOperation) {
    double meanMillis() {
      return ticks.stream().mapToLong(Tick::millis).average().orElse(0);
    }

    double meanKube() {
      return ticks.stream().mapToInt(Tick::kubeRequests).average().orElse(0);
    }

    double awsPerCluster() {
      return awsRequests / (double) ticks.size();
    }

    void print() {
      System.out.println("== " + name);
      for (Tick t : ticks) {
        System.out.printf(
            "  %-8s exit %d  %6.1f s  %4d Kubernetes requests%n",
            t.cluster(), t.exit(), t.millis() / 1000.0, t.kubeRequests());
      }
      System.out.printf(
          "  AWS requests: %d (%.1f per cluster): %s%n",
          awsRequests, awsPerCluster(), awsByOperation);
    }
  }

  /** Runs reconcile for the clusters as their Jobs would, and counts what each asked. */
  private record Reconciles(
      Command admin, Path cliJar, Path fleet, Map<String, Path> audit, BenchSandbox sandbox) {

    Phase sequential(String name, Instant at) throws Exception {
      long aws = sandbox.awsRequestsEnd();
      List<Tick> ticks = new ArrayList<>();
      for (String c : CLUSTERS) {
        ticks.add(tick(c, at));
      }
      return new Phase(
          name, ticks, count(sandbox.awsRequestsFrom(aws)), sandbox.awsRequestsFrom(aws));
    }

    Phase concurrent(String name, Instant at) throws Exception {
      long aws = sandbox.awsRequestsEnd();
      ExecutorService pool = Executors.newFixedThreadPool(CLUSTERS.size());
      try {
        List<Future<Tick>> futures = new ArrayList<>();
        for (String c : CLUSTERS) {
          futures.add(pool.submit(() -> tick(c, at)));
        }
        List<Tick> ticks = new ArrayList<>();
        for (Future<Tick> f : futures) {
          ticks.add(f.get());
        }
        return new Phase(
            name, ticks, count(sandbox.awsRequestsFrom(aws)), sandbox.awsRequestsFrom(aws));
      } finally {
        pool.shutdownNow();
      }
    }

    private Tick tick(String cluster, Instant at) throws Exception {
      Path log = audit.get(cluster);
      long offset = AuditLog.end(log);
      Instant from = Instant.now();
      Command.Result result =
          admin.run(
              "reconcile-" + cluster + "-" + at.getEpochSecond(),
              RUN_TIMEOUT,
              List.of(
                  BenchSandbox.java(),
                  "-jar",
                  cliJar.toString(),
                  "reconcile",
                  "--fleet",
                  fleet.toString(),
                  "--cluster",
                  cluster,
                  "--eks-login",
                  "--state",
                  "kubernetes",
                  "--at",
                  at.toString()));
      // The audit log is written asynchronously by the API server: let it catch up.
      Thread.sleep(1500);
      int kube =
          (int)
              AuditLog.read(log, offset, from, Instant.now()).stream()
                  .filter(q -> q.user().equals(RUNNER_USER))
                  .count();
      return new Tick(cluster, result.exitCode(), result.millis(), kube);
    }

    private static int count(String byOperation) {
      int total = 0;
      for (String part : byOperation.split("[,{}]")) {
        int eq = part.lastIndexOf('=');
        if (eq > 0) {
          try {
            total += Integer.parseInt(part.substring(eq + 1).trim());
          } catch (NumberFormatException e) {
            // not a count
          }
        }
      }
      return total;
    }
  }

  /** What 200 clusters need of a management cluster, from this run's means. */
  private static void paper(
      Phase idleAwake, Phase idleAsleep, Phase stop, Phase start, double speed) {
    int clusters = 200;
    double idleSeconds = (idleAwake.meanMillis() + idleAsleep.meanMillis()) / 2 / 1000;
    double idleAws = (idleAwake.awsPerCluster() + idleAsleep.awsPerCluster()) / 2;
    double idleKube = (idleAwake.meanKube() + idleAsleep.meanKube()) / 2;
    System.out.println("== on paper: " + clusters + " clusters, one CronJob each (fleet render)");
    for (int every : new int[] {5, 10, 15}) {
      double jobsPerHour = clusters * 60.0 / every;
      double podsAtOnce = jobsPerHour * (idleSeconds + 5) / 3600;
      System.out.printf(
          "  --every %2d: %5.0f Jobs/hour; nothing due: %.1f pods at once (%.1f s each + ~5 s to"
              + " start a pod), %.2f GiB requested (384Mi each), %.1f AWS requests/s and %.1f"
              + " Kubernetes requests/s over all target clusters%n",
          every,
          jobsPerHour,
          podsAtOnce,
          idleSeconds,
          podsAtOnce * 384 / 1024,
          jobsPerHour * idleAws / 3600,
          jobsPerHour * idleKube / 3600);
    }
    double stopSeconds = stop.meanMillis() / 1000;
    double startSeconds = start.meanMillis() / 1000;
    // The sandbox divides EKS's waits (launch, drain limits, grace periods) by the speed: a run's
    // length on EKS is at most about speed times longer.
    double longestOnEks = Math.max(stopSeconds, startSeconds) * speed;
    for (int every : new int[] {5, 15}) {
      double atOnce = Math.min(clusters, clusters * longestOnEks / (every * 60.0));
      System.out.printf(
          "  all %d due at once (one schedule): a stop took %.0f s and a start %.0f s here at"
              + " speed %.0f, up to about %.1f min on EKS; --every %d's minute offsets spread the"
              + " starts over %d minutes: about %.0f pods at once (%.1f GiB requested, %.1f GiB at"
              + " the 768Mi limit)%n",
          clusters,
          stopSeconds,
          startSeconds,
          speed,
          longestOnEks / 60,
          every,
          every,
          atOnce,
          atOnce * 384 / 1024,
          atOnce * 768 / 1024);
    }
    System.out.printf(
        "  AWS requests per account at such a transition: %.0f per stop and %.0f per start here;"
            + " %d clusters in one account: about %.0f requests, spread over the runs' length%n",
        stop.awsPerCluster(),
        start.awsPerCluster(),
        clusters,
        clusters * Math.max(stop.awsPerCluster(), start.awsPerCluster()));
  }
}
