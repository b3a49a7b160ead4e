package io.eksscheduler.cli;

import io.eksscheduler.cli.output.Notice;
import io.eksscheduler.cli.output.Output;
import io.eksscheduler.cli.store.StoreSetupException;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Resumes an interrupted, killed or failed run. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Resume a run that was interrupted, killed or failed. No succeeded step runs again; the"
          + " interrupted step runs again and continues from its ledger; what the run evaluated"
          + " (params, when, expressions) is reused, except a `with` that reads env (never"
          + " stored) and the finally steps of a failed run, which report the new outcome.",
      "The run uses the copy of the playbook it started with. If the playbook file changed since,"
          + " that is reported, and the changed file is used only with --allow-changed."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler resume 20261124T173000Z-3f9a1c",
      "  eks-scheduler resume 20261124T173000Z-3f9a1c --cluster dev --eks-login"
    })
final class ResumeCommand extends AppCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run to resume.")
  String runId;

  @Mixin StateOptions state;

  @Option(
      names = "--allow-changed",
      description =
          "Run the playbook file as it is now, even though it changed since the run"
              + " started (steps are matched by id).")
  boolean allowChanged;

  private String changedText;

  @Override
  public Integer call() throws IOException {
    StateChoice choice = state.choice(app);
    if (choice.cluster()) {
      state.target(app);
    }
    RunLauncher launcher = new RunLauncher(app);
    try (Output output = launcher.output(state.output)) {
      RunStore store = app.store(choice, state.store, RunLauncher.waiting(output));
      try {
        RunState saved = RunLookup.find(store, runId);
        if (!saved.status().resumable()) {
          throw new UserError(
              "run " + runId + " " + saved.status().label() + "; nothing to resume");
        }
        app.target(saved.params());
        Playbook playbook = playbook(store, saved, output);
        AtomicBoolean interrupt =
            Signals.install(
                () -> output.notice(new Notice(Notice.STOPPING, runId, "stopping: saving state")));
        app.fence.onTrip(() -> interrupt.set(true));
        Runs runs = new Runs(app.executor(), store, app.settings(), App.host());
        RunState end;
        try {
          end =
              runs.resume(
                  playbook,
                  saved.runId(),
                  saved.lockKey(),
                  Optional.ofNullable(changedText),
                  output,
                  interrupt,
                  RunLauncher.lockReport(output));
        } catch (LockHeldException e) {
          throw new UserError(List.of(e.getMessage()), ExitCodes.LOCKED);
        } catch (IllegalStateException e) {
          throw new UserError(e.getMessage());
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

  private Playbook playbook(RunStore store, RunState saved, Output output) throws IOException {
    String copy = store.playbookText(saved.runId());
    Path original = Paths.get(saved.playbookFile());
    if (Files.isRegularFile(original)) {
      String now = Files.readString(original);
      String digest = Runs.digest(now);
      if (!digest.equals(saved.playbookDigest())) {
        if (allowChanged) {
          output.notice(
              new Notice(
                  Notice.PLAYBOOK_CHANGED,
                  saved.runId(),
                  "playbook "
                      + original
                      + " changed since the run started; using it as it"
                      + " is now (--allow-changed)"));
          Playbook changed = app.load(now, original.toString());
          changedText = now;
          return changed;
        }
        output.notice(
            new Notice(
                Notice.PLAYBOOK_CHANGED,
                saved.runId(),
                "playbook "
                    + original
                    + " changed since the run started; resuming with the"
                    + " copy kept in the run (use --allow-changed to run the file as it is now)"));
      }
    }
    return app.load(copy, saved.playbookFile());
  }
}
