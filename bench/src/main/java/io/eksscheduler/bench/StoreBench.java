package io.eksscheduler.bench;

import io.eksscheduler.cli.store.ClusterRunStore;
import io.eksscheduler.cli.store.ClusterStores;
import io.eksscheduler.cli.store.Fence;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Prints the run stores' figures: 1,000 no-op steps run by the engine on the directory store and on
 * the cluster store of a real API server (time per step; for the cluster store the requests, writes
 * and bytes written per durable event), and the objects of that run, the largest the benchmark
 * makes, with their sizes.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.eksscheduler.bench.StoreBench KUBECONFIG
 * WORK_DIR} (bench/store.sh starts a sandbox for it). Figures vary with the machine.
 */
public final class StoreBench {
  private static final int STEPS = 1000;

  private StoreBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: StoreBench KUBECONFIG WORK_DIR");
      System.exit(2);
    }
    ApiClient client = Config.fromConfig(args[0]);
    Path work = Path.of(args[1]);
    System.out.println("== 1,000 no-op steps (sleep 0s), concurrency 1, in process");
    DirectoryRunStore dir = new DirectoryRunStore(work.resolve("state"));
    Result local = run(dir, "dir-1");
    System.out.printf(
        "  directory store: %d ms, %.2f ms per step, %d durable events, %.2f fsyncs per event%n",
        local.millis,
        local.millis / (double) STEPS,
        local.durable,
        dir.fsyncs() / (double) local.durable);
    ClusterRunStore cluster =
        ClusterStores.open(
            client,
            "store-bench",
            new Fence(),
            ClusterStores.DEFAULT_LEASE,
            Clock.systemUTC(),
            Sleeper.system(),
            "bench",
            line -> {});
    String runId = "cluster-" + Long.toString(System.currentTimeMillis(), 36);
    Result remote = run(cluster, runId);
    long[] c = cluster.counts();
    System.out.printf(
        "  cluster store:   %d ms, %.2f ms per step, %d durable events%n",
        remote.millis, remote.millis / (double) STEPS, remote.durable);
    System.out.printf(
        "    %.2f requests and %.2f writes per durable event, %.0f bytes written per durable event"
            + " (%d requests, %d writes, %d bytes in all)%n",
        c[0] / (double) remote.durable,
        c[1] / (double) remote.durable,
        c[2] / (double) remote.durable,
        c[0],
        c[1],
        c[2]);
    System.out.printf(
        "  ratio cluster/directory: %.1fx%n", remote.millis / (double) Math.max(1, local.millis));
    System.out.println("== the run's objects in the cluster store (namespace store-bench)");
    for (String line : cluster.objectSizes(runId)) {
      System.out.println("  " + line);
    }
    dir.close();
    cluster.close();
  }

  private record Result(long millis, long durable) {}

  private static Result run(RunStore store, String runId) throws Exception {
    long start = System.nanoTime();
    RunState end = EngineBench.noOps(store, runId, 1);
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (end.status() != RunStatus.SUCCEEDED) {
      throw new IllegalStateException("the no-op run " + end.status().label());
    }
    List<Event> events = store.events(runId);
    long durable = events.stream().filter(e -> !"step-log".equals(e.type())).count();
    return new Result(millis, durable);
  }
}
