package io.eksscheduler.cli;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Suggestions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/** The {@code eks-scheduler} command: wires the application and maps outcomes to exit codes. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(args, out, err, System.getenv(), System.console() != null);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the command line; returns the exit code. Tests call this directly. */
  public static int run(
      String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
    App app = new App(out, err, env, ActionRegistry.fromServiceLoader(Main.class.getClassLoader()));
    app.interactive = terminal;
    CommandLine cli = commandLine(app);
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  static CommandLine commandLine(App app) {
    CommandLine cli = new CommandLine(new RootCommand(), new CommandFactory(app));
    cli.setExecutionExceptionHandler(
        (e, command, parseResult) -> {
          boolean verbose =
              parseResult.hasMatchedOption("--verbose")
                  || (parseResult.subcommand() != null && hasVerbose(parseResult));
          if (e instanceof UserError u) {
            u.lines().forEach(app.err::println);
            return u.exitCode();
          }
          app.err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          if (verbose) {
            e.printStackTrace(app.err);
          } else {
            app.err.println("(run with --verbose for details)");
          }
          return ExitCodes.STEP_FAILED;
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine c = e.getCommandLine();
          c.getErr().println("error: " + e.getMessage());
          if (e instanceof CommandLine.UnmatchedArgumentException u
              && !u.getUnmatched().isEmpty()
              && !c.getSubcommands().isEmpty()) {
            Suggestions.closest(u.getUnmatched().get(0), c.getSubcommands().keySet())
                .ifPresent(
                    s ->
                        c.getErr()
                            .println(
                                "did you mean: "
                                    + c.getCommandSpec().qualifiedName(" ")
                                    + " "
                                    + s
                                    + "?"));
          } else {
            CommandLine.UnmatchedArgumentException.printSuggestions(e, c.getErr());
          }
          c.getErr().println("see: " + c.getCommandSpec().qualifiedName() + " --help");
          return ExitCodes.INVALID;
        });
    cli.setExitCodeExceptionMapper(t -> ExitCodes.STEP_FAILED);
    return cli;
  }

  private static boolean hasVerbose(CommandLine.ParseResult result) {
    for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Makes commands with the application wired in. */
  private static final class CommandFactory implements CommandLine.IFactory {
    private final App app;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(App app) {
      this.app = app;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (AppCommand.class.isAssignableFrom(type)) {
        K command = fallback.create(type);
        ((AppCommand) command).app = app;
        return command;
      }
      return fallback.create(type);
    }
  }
}
