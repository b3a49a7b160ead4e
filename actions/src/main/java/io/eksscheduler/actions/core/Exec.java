package io.eksscheduler.actions.core;

import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command without a shell and fails the step when it exits non-zero; in dry-run it only
 * shows the command.
 */
public final class Exec implements Action<Exec.Params> {
  /** How much of stdout the {@code stdout} output keeps. */
  static final int MAX_STDOUT = 64 * 1024;

  private static final int STDERR_TAIL = 2048;

  /** Why neither output of a plan is exact: a plan runs nothing. */
  static final String NOT_RUN = "a command's result is known only once it runs";

  /**
   * The parameters of {@code exec}.
   *
   * @param command the program and its arguments
   * @param env variables added to the command's environment
   * @param workingDir the directory the command runs in, or null for the current one
   */
  public record Params(List<String> command, Map<String, Object> env, String workingDir) {
    public Params {
      command = List.copyOf(command);
      env = env == null ? Map.of() : Map.copyOf(env);
    }
  }

  @Override
  public String name() {
    return "exec";
  }

  @Override
  public String description() {
    return "Runs a command (no shell) and fails the step on a non-zero exit; never runs in dry-run.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/exec.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("exitCode", ValueType.INTEGER, "the command's exit code"),
        new OutputSpec(
            "stdout", ValueType.STRING, "what the command printed, at most 64 KiB, trimmed"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) {
    String where = params.workingDir() == null ? "" : " in " + params.workingDir();
    String vars = params.env().isEmpty() ? "" : " with " + String.join(", ", params.env().keySet());
    return new Plan(
            List.of("run " + render(params.command()) + where + vars),
            Map.of("exitCode", 0L, "stdout", ""))
        .withInexact(Map.of("exitCode", NOT_RUN, "stdout", NOT_RUN));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(params.command());
    params.env().forEach((k, v) -> builder.environment().put(k, String.valueOf(v)));
    if (params.workingDir() != null) {
      builder.directory(new File(params.workingDir()));
    }
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    ctx.progress("running " + params.command().get(0));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ActionFailure(
          "cannot run " + params.command().get(0) + ": " + e.getMessage(), false, e);
    }
    Drain stdout = new Drain(process.getInputStream(), MAX_STDOUT);
    Drain stderr = new Drain(process.getErrorStream(), STDERR_TAIL);
    stdout.start();
    stderr.start();
    int exit;
    try {
      exit = process.waitFor();
      stdout.join();
      stderr.join();
      ctx.changed();
    } catch (InterruptedException e) {
      // Cancelled or timed out: stop the command, politely first.
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      throw e;
    }
    String err = stderr.text().strip();
    if (!err.isEmpty()) {
      ctx.log(params.command().get(0) + ": " + lastLine(err));
    }
    if (exit != 0) {
      throw new ActionFailure(
          render(params.command())
              + " exited with "
              + exit
              + (err.isEmpty() ? "" : ": " + lastLine(err)),
          true);
    }
    return Outputs.of("exitCode", (long) exit, "stdout", stdout.text().strip());
  }

  private static String lastLine(String text) {
    String[] lines = text.split("\n");
    return lines[lines.length - 1];
  }

  static String render(List<String> command) {
    List<String> parts = new ArrayList<>();
    for (String arg : command) {
      parts.add(
          arg.matches("[A-Za-z0-9_./=:,@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return String.join(" ", parts);
  }

  /** Reads a stream to its end, keeping at most {@code limit} bytes (the first ones). */
  private static final class Drain extends Thread {
    private final InputStream in;
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    Drain(InputStream in, int limit) {
      this.in = in;
      this.limit = limit;
      setDaemon(true);
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          int keep = Math.min(n, limit - kept.size());
          if (keep > 0) {
            kept.write(buffer, 0, keep);
          }
        }
      } catch (IOException e) {
        // The process closed its end; what was read is kept.
      }
    }

    String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }
  }
}
