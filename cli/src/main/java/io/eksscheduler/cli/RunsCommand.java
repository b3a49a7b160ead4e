package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.cli.output.Notice;
import io.eksscheduler.cli.output.Output;
import io.eksscheduler.cli.store.StoreSetupException;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.LockHolder;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.RunSummary;
import io.eksscheduler.engine.state.StepState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Lists, shows and abandons runs. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description =
        "List, show, abandon and unlock runs, kept in a directory (--state dir, the default) or in"
            + " a cluster (--cluster C, or --state kubernetes).",
    subcommands = {
      RunsCommand.ListRuns.class,
      RunsCommand.Show.class,
      RunsCommand.Abandon.class,
      RunsCommand.Unlock.class
    })
final class RunsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * A run's status; a {@code running} one is judged by its own lock: "running (pid N on HOST)"
   * while its holder keeps it, "killed (resumable)" when nobody holds it.
   */
  static String status(RunStore store, String runId, RunStatus status) throws IOException {
    if (status != RunStatus.RUNNING) {
      return status.label();
    }
    Optional<LockHolder> holder = store.liveHolder(runId);
    return holder.isPresent()
        ? "running (pid " + holder.get().pid() + " on " + holder.get().host() + ")"
        : "killed (resumable)";
  }

  /** The store the options name, the clients pointed at its cluster when it is one. */
  static RunStore open(App app, StateOptions state, Output output) {
    StateChoice choice = state.choice(app);
    if (choice.cluster()) {
      state.target(app);
    }
    return app.store(choice, state.store, RunLauncher.waiting(output));
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List runs, oldest first.",
      footer = {
        "%nExamples:",
        "  eks-scheduler runs list --state-dir /var/lib/eks-scheduler",
        "  eks-scheduler runs list --cluster dev --output json"
      })
  static final class ListRuns extends AppCommand implements Callable<Integer> {
    @Mixin StateOptions state;

    @Override
    public Integer call() throws IOException {
      try (RunStore store = open(app, state, new RunLauncher(app).output(state.output))) {
        List<String> problems = new java.util.ArrayList<>();
        List<RunSummary> runs = store.summaries(problems);
        problems.forEach(app.err::println);
        if (state.output == RunOptions.OutputFormat.json) {
          for (RunSummary s : runs) {
            ObjectNode line = App.json().createObjectNode();
            line.put("run", s.runId())
                .put("playbook", s.playbook())
                .put("status", status(store, s.runId(), s.status()));
            if (s.lockKey() != null) {
              line.put("lock", s.lockKey());
            }
            line.put("startedAt", s.startedAt().toString())
                .put("updatedAt", s.updatedAt().toString());
            app.out.println(line);
          }
          return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
          app.out.println("no runs in " + store.describe());
          return ExitCodes.OK;
        }
        app.out.println(
            String.format("%-28s %-24s %-22s %s", "RUN", "PLAYBOOK", "STATUS", "STARTED"));
        for (RunSummary s : runs) {
          app.out.println(
              String.format(
                  "%-28s %-24s %-22s %s",
                  s.runId(), s.playbook(), status(store, s.runId(), s.status()), s.startedAt()));
        }
        return ExitCodes.OK;
      } catch (StoreSetupException e) {
        throw new UserError(List.of("error: " + e.getMessage()), ExitCodes.STEP_FAILED);
      }
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
      try (RunStore store = open(app, state, new RunLauncher(app).output(state.output))) {
        return show(store);
      } catch (StoreSetupException e) {
        throw new UserError(List.of("error: " + e.getMessage()), ExitCodes.STEP_FAILED);
      }
    }

    private int show(RunStore store) throws IOException {
      RunState s = RunLookup.find(store, runId);
      if (state.output == RunOptions.OutputFormat.json) {
        app.out.println(App.json().writeValueAsString(s));
        return ExitCodes.OK;
      }
      app.out.println("run:       " + s.runId());
      app.out.println(
          "playbook:  " + s.playbook() + " (" + s.playbookFile() + ", " + s.playbookDigest() + ")");
      app.out.println(
          "status:    "
              + status(store, s.runId(), s.status())
              + (s.round() > 1 ? ", round " + s.round() : ""));
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
      RunLauncher launcher = new RunLauncher(app);
      try (Output output = launcher.output(state.output)) {
        RunStore store = open(app, state, output);
        try {
          RunState saved = RunLookup.find(store, runId);
          if (!saved.status().resumable()) {
            throw new UserError(
                "run " + runId + " " + saved.status().label() + "; nothing to abandon");
          }
          if (!state.choice(app).cluster()) {
            app.target(saved.params());
          }
          Playbook playbook = app.load(store.playbookText(runId), saved.playbookFile());
          AtomicBoolean interrupt =
              Signals.install(
                  () ->
                      output.notice(new Notice(Notice.STOPPING, runId, "stopping: saving state")));
          app.fence.onTrip(() -> interrupt.set(true));
          Runs runs = new Runs(app.executor(), store, app.settings(), App.host());
          RunState end;
          try {
            end = runs.abandon(playbook, saved, output, interrupt, RunLauncher.lockReport(output));
          } catch (LockHeldException e) {
            throw new UserError(List.of(e.getMessage()), ExitCodes.LOCKED);
          } catch (IOException | RuntimeException e) {
            throw launcher.lostRun(e);
          }
          output.summary(playbook, end);
          return RunLauncher.exitCode(end);
        } finally {
          RunLauncher.closeQuietly(store);
        }
      } catch (StoreSetupException e) {
        throw new UserError(List.of("error: " + e.getMessage()), ExitCodes.STEP_FAILED);
      }
    }
  }

  @Command(
      name = "unlock",
      mixinStandardHelpOptions = true,
      description = {
        "Break a lock of a cluster store by hand: the Lease of lock key cluster/C (or --key), and"
            + " the Lease of the run that holds it. A holder still alive finds its Lease taken at"
            + " its next renewal and stops changing anything (its clients refuse every mutating"
            + " request); its run stays resumable. Prints what it broke.",
        "Directory stores keep OS locks, which end with their process: there is nothing to break."
      },
      footer = {
        "%nExamples:",
        "  eks-scheduler runs unlock --cluster dev",
        "  eks-scheduler runs unlock --state kubernetes --key reports/nightly"
      })
  static final class Unlock extends AppCommand implements Callable<Integer> {
    @Mixin StateOptions state;

    @picocli.CommandLine.Option(
        names = "--key",
        paramLabel = "KEY",
        description = "The lock key (default: cluster/C for --cluster C).")
    String key;

    @Override
    public Integer call() throws IOException {
      String lock = key != null ? key : state.cluster != null ? "cluster/" + state.cluster : null;
      if (lock == null) {
        throw new UserError("runs unlock needs --cluster C (lock cluster/C) or --key KEY");
      }
      try (RunStore store = open(app, state, new RunLauncher(app).output(state.output))) {
        Optional<LockHolder> broken;
        try {
          broken = store.breakLock(lock);
        } catch (UnsupportedOperationException e) {
          throw new UserError(e.getMessage());
        }
        app.out.println(
            broken.isPresent()
                ? "broke lock '" + lock + "' in " + store.describe() + ", held by " + broken.get()
                : "lock '" + lock + "' in " + store.describe() + " was not held; nothing broken");
        return ExitCodes.OK;
      } catch (StoreSetupException e) {
        throw new UserError(List.of("error: " + e.getMessage()), ExitCodes.STEP_FAILED);
      }
    }
  }
}
