package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.cli.output.Output;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Lists, shows and abandons runs. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "List, show and abandon runs kept in the state directory.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Abandon.class})
final class RunsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** "running" for a live process, "killed (resumable)" for a dead one on this machine. */
  static String status(RunState s) {
    if (s.status() != RunStatus.RUNNING) {
      return s.status().label();
    }
    if (!s.host().equals(App.host())) {
      return "running or killed (pid " + s.pid() + " on " + s.host() + ")";
    }
    return ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false)
        ? "running (pid " + s.pid() + ")"
        : "killed (resumable)";
  }

  /** The runs that can be read, oldest first; the unreadable ones, named with why. */
  static List<RunState> readable(DirectoryRunStore store, List<String> problems)
      throws IOException {
    List<RunState> runs = new java.util.ArrayList<>();
    for (String id : store.runIds()) {
      try {
        store.load(id).ifPresent(runs::add);
      } catch (IOException | RuntimeException e) {
        problems.add("run " + id + " cannot be read: " + e.getMessage());
      }
    }
    runs.sort(java.util.Comparator.comparing(RunState::startedAt).thenComparing(RunState::runId));
    return runs;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List runs, oldest first.",
      footer = {"%nExamples:", "  eks-scheduler runs list --state-dir /var/lib/eks-scheduler"})
  static final class ListRuns extends AppCommand implements Callable<Integer> {
    @Mixin StateOptions state;

    @Override
    public Integer call() throws IOException {
      DirectoryRunStore store = app.store(state.stateDir);
      List<String> problems = new java.util.ArrayList<>();
      List<RunState> runs = readable(store, problems);
      problems.forEach(app.err::println);
      if (state.output == RunOptions.OutputFormat.json) {
        for (RunState s : runs) {
          ObjectNode line = App.json().createObjectNode();
          line.put("run", s.runId()).put("playbook", s.playbook()).put("status", status(s));
          line.put("startedAt", s.startedAt().toString())
              .put("updatedAt", s.updatedAt().toString());
          app.out.println(line);
        }
        return ExitCodes.OK;
      }
      if (runs.isEmpty()) {
        app.out.println("no runs in " + store.runDirectory("x").getParent());
        return ExitCodes.OK;
      }
      app.out.println(
          String.format("%-28s %-24s %-22s %s", "RUN", "PLAYBOOK", "STATUS", "STARTED"));
      for (RunState s : runs) {
        app.out.println(
            String.format(
                "%-28s %-24s %-22s %s", s.runId(), s.playbook(), status(s), s.startedAt()));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a run: params, each step's status, attempts, outputs and ledger.",
      footer = {"%nExamples:", "  eks-scheduler runs show 20261124T173000Z-3f9a1c --output json"})
  static final class Show extends AppCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Mixin StateOptions state;

    @Override
    public Integer call() throws IOException {
      DirectoryRunStore store = app.store(state.stateDir);
      RunState s = RunLookup.find(store, runId);
      if (state.output == RunOptions.OutputFormat.json) {
        app.out.println(App.json().writeValueAsString(s));
        return ExitCodes.OK;
      }
      app.out.println("run:       " + s.runId());
      app.out.println(
          "playbook:  " + s.playbook() + " (" + s.playbookFile() + ", " + s.playbookDigest() + ")");
      app.out.println("status:    " + status(s) + (s.round() > 1 ? ", round " + s.round() : ""));
      app.out.println("started:   " + s.startedAt() + " by pid " + s.pid() + " on " + s.host());
      app.out.println("updated:   " + s.updatedAt());
      if (s.lockKey() != null) {
        app.out.println("lock:      " + s.lockKey());
      }
      if (!s.params().isEmpty()) {
        app.out.println("params:");
        s.params().forEach((k, v) -> app.out.println("  " + k + ": " + v));
      }
      app.out.println("steps:");
      for (Map.Entry<String, StepState> e : s.steps().entrySet()) {
        StepState st = e.getValue();
        app.out.println(
            String.format(
                "  %-24s %-10s attempts=%d%s",
                e.getKey(),
                st.status().label(),
                st.attempts(),
                st.error() == null ? "" : "  " + st.error()));
        st.outputs().forEach((k, v) -> app.out.println("      output " + k + " = " + v));
        st.ledger().forEach((k, v) -> app.out.println("      ledger " + k + " = " + v));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "abandon",
      mixinStandardHelpOptions = true,
      description = {
        "Close a run for good. Its finally steps run if its last attempt did not run them (an"
            + " interrupted or killed run); a failed run already ran them."
      },
      footer = {"%nExamples:", "  eks-scheduler runs abandon 20261124T173000Z-3f9a1c"})
  static final class Abandon extends AppCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Mixin StateOptions state;

    @Override
    public Integer call() throws IOException {
      DirectoryRunStore store = app.store(state.stateDir);
      RunState saved = RunLookup.find(store, runId);
      if (!saved.status().resumable()) {
        throw new UserError("run " + runId + " " + saved.status().label() + "; nothing to abandon");
      }
      RunLauncher launcher = new RunLauncher(app);
      try (Output output = launcher.output(state.output)) {
        Playbook playbook = app.load(store.playbookText(runId), saved.playbookFile());
        AtomicBoolean interrupt = Signals.install(() -> output.notice("stopping: saving state"));
        Runs runs = new Runs(app.executor(), store, app.settings(), App.host());
        RunState end;
        try {
          end = runs.abandon(playbook, saved, output, interrupt, RunLauncher.lockReport(output));
        } catch (LockHeldException e) {
          throw new UserError(List.of(e.getMessage()), ExitCodes.LOCKED);
        } finally {
          store.close();
        }
        output.summary(playbook, end);
        return RunLauncher.exitCode(end);
      }
    }
  }
}
