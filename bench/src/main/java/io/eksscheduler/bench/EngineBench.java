package io.eksscheduler.bench;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.run.EventSink;
import io.eksscheduler.engine.run.RunExecutor;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Prints the engine's figures: validating a 500-step playbook against a 1-step one with the JVM
 * start included (both through the real command line), and the engine's overhead per step with
 * durable state over 1,000 no-op steps, with fsyncs per step and peak memory.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.eksscheduler.bench.EngineBench
 * cli/target/eks-scheduler.jar [repeats]}. Figures vary with the machine; compare the ratios.
 */
public final class EngineBench {
  private EngineBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: EngineBench PATH/TO/eks-scheduler.jar [repeats]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path work = Files.createTempDirectory("eks-scheduler-bench");
    Path small = work.resolve("small.yaml");
    Path large = work.resolve("large.yaml");
    Files.writeString(small, playbook(1));
    Files.writeString(large, playbook(500));

    System.out.println("== validate, JVM start included (" + repeats + " runs each, median)");
    Sample one = median(repeats, () -> validate(jar, small));
    Sample many = median(repeats, () -> validate(jar, large));
    System.out.printf("  1 step:    %6d ms   peak RSS %5d MiB%n", one.millis, one.peakKib / 1024);
    System.out.printf("  500 steps: %6d ms   peak RSS %5d MiB%n", many.millis, many.peakKib / 1024);
    System.out.printf(
        "  ratio 500/1: %.2fx (goal: at most 1.5x)%n", (double) many.millis / one.millis);

    System.out.println("== run 1,000 no-op steps with durable state (in process)");
    for (int concurrency : new int[] {1, 4}) {
      runNoOps(work.resolve("state-" + concurrency), concurrency);
    }
  }

  private record Sample(long millis, long peakKib) {}

  private interface Measure {
    Sample take() throws Exception;
  }

  private static Sample median(int repeats, Measure m) throws Exception {
    m.take(); // warm the file cache
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      samples.add(m.take());
    }
    samples.sort((a, b) -> Long.compare(a.millis, b.millis));
    return samples.get(samples.size() / 2);
  }

  /** Runs {@code validate} in a fresh JVM under GNU time for its peak RSS. */
  private static Sample validate(Path jar, Path playbook) throws IOException, InterruptedException {
    Path timeOut = Files.createTempFile("time", ".txt");
    List<String> command = new ArrayList<>();
    boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
    if (gnuTime) {
      command.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", timeOut.toString()));
    }
    command.addAll(List.of("java", "-jar", jar.toString(), "validate", playbook.toString()));
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("validate failed: " + out);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    long kib = gnuTime ? Long.parseLong(Files.readString(timeOut).trim()) : -1;
    Files.delete(timeOut);
    return new Sample(millis, kib);
  }

  /** A playbook of {@code n} steps in chains of 10, each reading params and a needed output. */
  static String playbook(int n) {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: bench}\n");
    y.append(
        "params:\n  cluster: {type: string, default: dev}\n  size: {type: integer, default: 3}\n");
    y.append("lock: bench/${{ params.cluster }}\nsteps:\n");
    for (int i = 0; i < n; i++) {
      y.append("  - id: s").append(i).append("\n    action: exec\n");
      if (i % 10 != 0) {
        y.append("    needs: [s").append(i - 1).append("]\n");
        y.append("    when: ${{ steps.s")
            .append(i - 1)
            .append(".outputs.exitCode == 0 && params.size > 1 }}\n");
      }
      y.append("    with: {command: [echo, \"${{ params.cluster }}-").append(i);
      y.append("\", \"${{ run.id }}\"]}\n");
    }
    return y.toString();
  }

  private static void runNoOps(Path stateDir, int concurrency) throws Exception {
    DirectoryRunStore store = new DirectoryRunStore(stateDir);
    long start = System.nanoTime();
    RunState end = noOps(store, "noops", concurrency);
    long micros = (System.nanoTime() - start) / 1_000;
    store.close();
    System.out.printf(
        "  concurrency %d: %s in %d ms: %.2f ms per step, %.1f fsyncs per step, peak RSS %d MiB%n",
        concurrency,
        end.status().label(),
        micros / 1000,
        micros / 1000.0 / 1000,
        store.fsyncs() / 1000.0,
        peakRssKib() / 1024);
  }

  /** Runs 1,000 no-op steps ({@code sleep 0s}) as run {@code runId} on {@code store}. */
  static RunState noOps(RunStore store, String runId, int concurrency) throws Exception {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: noops}\n");
    y.append("lock: bench/noops\nconcurrency: ").append(concurrency).append("\nsteps:\n");
    for (int i = 0; i < 1000; i++) {
      y.append("  - {id: s").append(i).append(", action: sleep, with: {duration: 0s}}\n");
    }
    ActionRegistry actions = ActionRegistry.fromServiceLoader(EngineBench.class.getClassLoader());
    SchemaCheck schemas = new SchemaCheck();
    PlaybookLoader.Result loaded =
        new PlaybookLoader(actions, schemas, YamlLimits.DEFAULT).load(y.toString(), "noops.yaml");
    Playbook playbook =
        loaded
            .playbook()
            .orElseThrow(() -> new IllegalStateException(loaded.problems().toString()));
    RunExecutor.Settings settings =
        new RunExecutor.Settings(
            Clock.systemUTC(), Sleeper.system(), new Random(1), Duration.ofSeconds(5), Map.of());
    Runs runs =
        new Runs(
            new RunExecutor(actions, schemas, new Clients(), settings), store, settings, "bench");
    return runs.start(
        playbook,
        y.toString(),
        Map.of(),
        runId,
        EventSink.none(),
        new AtomicBoolean(),
        (k, h) -> {});
  }

  private static long peakRssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
