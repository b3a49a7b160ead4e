package io.eksscheduler.cli.testing;

import io.eksscheduler.cli.Main;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the command line in a JVM of its own, as a user's shell or CI would. */
public final class Jvm {
  private Jvm() {}

  /**
   * Starts {@code eks-scheduler ARGS} with this test's class path (so test actions are there too),
   * output to {@code log}; {@code crashAt} names a crash point of the test-only switch, or null.
   */
  public static Process start(Path log, String crashAt, String... args) throws IOException {
    return start(log, Map.of(), crashAt, args);
  }

  /**
   * As {@link #start(Path, String, String...)}, with {@code env} added to this JVM's environment.
   */
  public static Process start(Path log, Map<String, String> env, String crashAt, String... args)
      throws IOException {
    return start(
        log,
        env,
        null,
        crashAt == null ? List.of() : List.of("-Deks-scheduler.crash-at=" + crashAt),
        args);
  }

  /**
   * As {@link #start(Path, Map, String, String...)}, in working directory {@code dir} (null: this
   * one), with {@code jvmOptions} (system properties) before the main class.
   */
  public static Process start(
      Path log, Map<String, String> env, Path dir, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    // A process started in the background by a non-interactive shell (as CI may start the build)
    // inherits SIGINT ignored, and the JVM keeps it ignored, as nohup intends. The child gets
    // the default disposition back, so that what a user's Ctrl-C does can be tested anywhere.
    command.addAll(
        List.of(
            "python3",
            "-c",
            "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
                + " os.execvp(sys.argv[1], sys.argv[1:])"));
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmOptions);
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    builder.environment().putAll(env);
    return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
