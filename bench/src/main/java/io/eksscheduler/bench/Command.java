package io.eksscheduler.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one program of the hibernate benchmark (the sandbox, the CLI, kubectl) with the sandbox's
 * environment, bounded by a timeout. Its stdout stays in memory (it may hold a token); its stderr
 * is kept in a file so that a failure can be shown.
 */
final class Command {

  /** What a finished program left: its exit code, how long it took, what it printed. */
  record Result(int exitCode, long millis, String stdout, String stderr) {

    /** The last line of stderr, or of stdout when stderr is empty: what a failure says. */
    String lastLine() {
      String text = stderr.isBlank() ? stdout : stderr;
      String[] lines = text.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private final Map<String, String> env;
  private final Path logs;

  Command(Map<String, String> env, Path logs) {
    this.env = Map.copyOf(env);
    this.logs = logs;
  }

  /** A command running with {@code env} instead. */
  Command withEnv(Map<String, String> other) {
    return new Command(other, logs);
  }

  Map<String, String> env() {
    return env;
  }

  /** Runs {@code argv}; its stderr goes to {@code logs/NAME.err}. */
  Result run(String name, Duration timeout, List<String> argv)
      throws IOException, InterruptedException {
    Path err = logs.resolve(name + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    CompletableFuture<byte[]> stdout =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return process.getInputStream().readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException("reading the output of " + name, e);
              }
            });
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException(name + " did not finish within " + timeout + ": " + argv);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    String out;
    try {
      out =
          new String(stdout.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("reading the output of " + name + ": " + e.getMessage(), e);
    }
    return new Result(
        process.exitValue(), millis, out, Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Runs {@code argv} and returns its stdout; a non-zero exit is an error naming its cause. */
  String output(String name, Duration timeout, List<String> argv)
      throws IOException, InterruptedException {
    Result result = run(name, timeout, argv);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          name + " exited with " + result.exitCode() + ": " + result.lastLine());
    }
    return result.stdout();
  }
}
