package io.eksscheduler.sandbox.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command (openssl, kubectl) to completion with a deadline. */
public final class CommandRunner {

  /** What a finished command returned. */
  public record Result(int exitCode, String output) {}

  private CommandRunner() {}

  /**
   * Runs {@code command} in {@code workDir}, stdout and stderr merged.
   *
   * @throws IllegalStateException when it does not finish within {@code timeout}
   */
  public static Result run(List<String> command, Path workDir, Duration timeout) {
    return run(command, workDir, timeout, System.getenv());
  }

  /** Runs {@code command} with exactly the environment {@code env}. */
  public static Result run(
      List<String> command, Path workDir, Duration timeout, java.util.Map<String, String> env) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      // Read on another thread so a chatty command cannot block on a full pipe past its deadline.
      var output = new java.io.ByteArrayOutputStream();
      Thread reader =
          new Thread(
              () -> {
                try {
                  process.getInputStream().transferTo(output);
                } catch (IOException e) {
                  // The stream closes when the process is killed; what was read is kept.
                }
              },
              "output-of-" + command.get(0));
      reader.setDaemon(true);
      reader.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "command did not finish within "
                + timeout.toSeconds()
                + "s: "
                + String.join(" ", command));
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
      return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  /** Runs and fails with the command's output when it exits non-zero. */
  public static String runChecked(List<String> command, Path workDir, Duration timeout) {
    Result result = run(command, workDir, timeout);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          command.get(0)
              + " "
              + command.get(1)
              + " exited with "
              + result.exitCode()
              + ": "
              + result.output().strip());
    }
    return result.output();
  }
}
