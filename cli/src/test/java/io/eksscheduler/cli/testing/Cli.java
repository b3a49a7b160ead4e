package io.eksscheduler.cli.testing;

import io.eksscheduler.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in this JVM and captures what it prints. */
public final class Cli {
  /**
   * What a command did.
   *
   * @param code the exit code
   * @param out standard output
   * @param err standard error
   */
  public record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private final Map<String, String> env = new HashMap<>();

  /** A command line whose state directory is {@code stateDir}. */
  public Cli(Path stateDir) {
    env.put("EKS_SCHEDULER_STATE_DIR", stateDir.toString());
  }

  public Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env, false);
    return new Result(code, out.toString(), err.toString());
  }
}
