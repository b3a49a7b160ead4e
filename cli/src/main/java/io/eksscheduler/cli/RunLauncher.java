package io.eksscheduler.cli;

import io.eksscheduler.cli.output.JsonOutput;
import io.eksscheduler.cli.output.Output;
import io.eksscheduler.cli.output.TextOutput;
import io.eksscheduler.engine.expr.EvaluationException;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.run.RunIds;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs a loaded playbook, dry or for real, and maps its end to an exit code. */
final class RunLauncher {
  private final App app;

  RunLauncher(App app) {
    this.app = app;
  }

  Output output(RunOptions.OutputFormat format) {
    return format == RunOptions.OutputFormat.json
        ? new JsonOutput(app.out)
        : new TextOutput(app.out, app.clock, app.interactive);
  }

  int launch(Playbook playbook, String text, RunOptions options) {
    Map<String, Object> params = app.params(playbook, options.params, options.paramsFile);
    app.target(params);
    String runId = options.runId != null ? options.runId : RunIds.next(app.clock, app.random);
    String problem = RunIds.problem(runId);
    if (problem != null) {
      throw new UserError(problem);
    }
    try (Output output = output(options.output)) {
      if (options.dryRun) {
        List<DryRun.StepPreview> previews =
            new DryRun(app.actions, app.schemas, app.clients, app.settings())
                .preview(playbook, params, runId);
        output.dryRun(playbook, params, previews);
        return previews.stream().anyMatch(p -> p.error() != null)
            ? ExitCodes.STEP_FAILED
            : ExitCodes.OK;
      }
      DirectoryRunStore store = app.store(options.stateDir);
      AtomicBoolean interrupt =
          Signals.install(
              () ->
                  output.notice(
                      "stopping: cancelling running"
                          + " steps and saving state (the run stays resumable)"));
      Runs runs = new Runs(app.executor(), store, app.settings(), App.host());
      RunState end;
      try {
        end = runs.start(playbook, text, params, runId, output, interrupt, lockReport(output));
      } catch (FileAlreadyExistsException e) {
        throw new UserError(
            "run "
                + runId
                + " already exists in "
                + store.runDirectory(runId)
                + "; resume it with: eks-scheduler resume "
                + runId);
      } catch (LockHeldException e) {
        throw new UserError(List.of(e.getMessage()), ExitCodes.LOCKED);
      } catch (EvaluationException e) {
        throw new UserError("lock: " + e.getMessage());
      } finally {
        store.close();
      }
      output.notice("state: " + store.runDirectory(runId));
      output.summary(playbook, end);
      return exitCode(end);
    } catch (IOException e) {
      throw new IllegalStateException("run state: " + e.getMessage(), e);
    }
  }

  static Runs.LockReport lockReport(Output output) {
    return (key, dead) ->
        output.notice("lock '" + key + "': its holder " + dead + " is gone; taking it over");
  }

  static int exitCode(RunState end) {
    if (end.status() == RunStatus.SUCCEEDED || end.status() == RunStatus.ABANDONED) {
      return ExitCodes.OK;
    }
    return end.status() == RunStatus.INTERRUPTED ? ExitCodes.INTERRUPTED : ExitCodes.STEP_FAILED;
  }
}
