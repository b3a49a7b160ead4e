package io.eksscheduler.cli;

import io.eksscheduler.cli.output.JsonOutput;
import io.eksscheduler.cli.output.Notice;
import io.eksscheduler.cli.output.Output;
import io.eksscheduler.cli.output.TextOutput;
import io.eksscheduler.cli.store.ClusterRunStore;
import io.eksscheduler.cli.store.RunConflictException;
import io.eksscheduler.cli.store.StoreSetupException;
import io.eksscheduler.cli.store.StoreWebhooks;
import io.eksscheduler.engine.expr.EvaluationException;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.run.RunIds;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.RunExistsException;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Runs a loaded playbook, dry or for real, and maps its end to an exit code. */
final class RunLauncher {
  private final App app;
  private RunState ended;

  RunLauncher(App app) {
    this.app = app;
  }

  /** How the last run {@link #launch} ran ended, if it ran one to an end (not a dry-run). */
  Optional<RunState> ended() {
    return Optional.ofNullable(ended);
  }

  Output output(RunOptions.OutputFormat format) {
    return format == RunOptions.OutputFormat.json
        ? new JsonOutput(app.out, app.clock)
        : new TextOutput(app.out, app.err, app.clock, app.interactive);
  }

  /** Lines about waiting for a held lock, as notices. */
  static Consumer<String> waiting(Output output) {
    return line -> output.notice(new Notice("waiting-for-lock", null, line));
  }

  /**
   * Runs {@code playbook}; with {@code continuing} (stop, start), an unfinished run of its lock key
   * is continued or abandoned first (see {@link Continuation}).
   */
  int launch(
      Playbook playbook,
      String text,
      RunOptions options,
      StateChoice.Kind fallback,
      ContinuedRuns.Settings continuing) {
    Map<String, Object> params = app.params(playbook, options.params, options.paramsFile);
    app.target(params);
    String runId = options.runId != null ? options.runId : RunIds.next(app.clock, app.random);
    String problem = RunIds.problem(runId);
    if (problem != null) {
      throw new UserError(problem);
    }
    StateChoice choice = StateChoice.resolve(options.store, app.env, fallback);
    try (Output output = output(options.output)) {
      RunStore store = app.store(choice, options.store, waiting(output));
      try {
        Runs runs = new Runs(app.executor(), store, app.settings(), App.host());
        Optional<String> key;
        try {
          key = runs.lockKey(playbook, params, runId);
        } catch (EvaluationException e) {
          throw new UserError("lock: " + e.getMessage());
        }
        ContinuedRuns continued =
            continuing == null || key.isEmpty()
                ? null
                : new ContinuedRuns(app, store, output, continuing, key.get());
        if (options.dryRun) {
          return dryRun(playbook, text, params, runId, output, continued);
        }
        if (continued != null && store instanceof ClusterRunStore cluster) {
          refuseBlockingWebhooks(cluster);
          continued.warnDirectoryStore(choice);
        }
        AtomicBoolean interrupt =
            Signals.install(
                () ->
                    output.notice(
                        new Notice(
                            Notice.STOPPING,
                            null,
                            "stopping: cancelling running steps and saving state (the run stays"
                                + " resumable)")));
        app.fence.onTrip(() -> interrupt.set(true));
        RunState end;
        try {
          end =
              continued == null
                  ? runs.start(playbook, text, params, runId, output, interrupt, lockReport(output))
                  : continued.run(runs, playbook, text, params, runId, options.runId, interrupt);
        } catch (RunExistsException e) {
          throw new UserError(
              e.getMessage()
                  + "; resume it with: eks-scheduler resume "
                  + runId
                  + storeHint(choice));
        } catch (LockHeldException e) {
          throw new UserError(List.of(e.getMessage()), ExitCodes.LOCKED);
        } catch (EvaluationException e) {
          throw new UserError("lock: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
          throw lostRun(e);
        }
        ended = end;
        output.notice(
            new Notice(Notice.RUN_STATE, end.runId(), "state: " + store.where(end.runId())));
        output.summary(playbook, end);
        return exitCode(end);
      } finally {
        closeQuietly(store);
      }
    } catch (StoreSetupException e) {
      throw new UserError(List.of("error: " + e.getMessage()), ExitCodes.STEP_FAILED);
    } catch (IOException e) {
      throw new IllegalStateException("run state: " + e.getMessage(), e);
    }
  }

  private int dryRun(
      Playbook playbook,
      String text,
      Map<String, Object> params,
      String runId,
      Output output,
      ContinuedRuns continued)
      throws IOException {
    Optional<RunState> continuing =
        continued == null ? Optional.empty() : continued.preview(playbook, text, params);
    List<DryRun.StepPreview> previews =
        new DryRun(app.actions, app.schemas, app.clients, app.settings())
            .preview(
                playbook,
                continuing.map(RunState::params).orElse(params),
                continuing.map(RunState::runId).orElse(runId),
                continuing);
    output.dryRun(playbook, continuing.map(RunState::params).orElse(params), previews);
    return previews.stream().anyMatch(p -> p.error() != null)
        ? ExitCodes.STEP_FAILED
        : ExitCodes.OK;
  }

  /**
   * Refuses, before any change, a cluster whose admission webhooks would refuse the store's writes
   * once its nodes are at zero.
   */
  static void refuseBlockingWebhooks(ClusterRunStore store) throws IOException {
    List<StoreWebhooks.Finding> found = store.blockingWebhooks();
    if (found.isEmpty()) {
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "error: the run store in "
            + store.describe()
            + " could not be written while the cluster sleeps: with its nodes at zero nothing"
            + " answers these admission webhooks, which refuse what they cannot ask:");
    found.forEach(f -> lines.add("  " + f + " in namespace " + store.namespace()));
    lines.add(
        "nothing was changed. Fix: exclude the namespace from each webhook (namespaceSelector:"
            + " {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: ["
            + store.namespace()
            + "]}]}), set its failurePolicy to Ignore, or keep the runs elsewhere: --state dir,"
            + " or --state-context CONTEXT (a management cluster)");
    throw new UserError(lines, ExitCodes.STEP_FAILED);
  }

  /**
   * The error of a run this runner may no longer write: its Lease lost (the fence tripped) or its
   * run written by another runner; otherwise {@code e} itself.
   */
  RuntimeException lostRun(Exception e) {
    String refusal = app.fence.refusal();
    RunConflictException conflict = causeOf(e, RunConflictException.class);
    if (refusal == null && conflict == null) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      return new UncheckedIOException((IOException) e);
    }
    return new UserError(
        List.of(
            "error: this runner stopped: " + (refusal != null ? refusal : conflict.getMessage()),
            "it made no change after that (its clients refuse every mutating request); the run"
                + " is continued by the runner that holds its lock now (eks-scheduler runs list"
                + " shows it)"),
        ExitCodes.LOCKED);
  }

  private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  static String storeHint(StateChoice choice) {
    return choice.cluster() ? " --state " + choice : "";
  }

  static void closeQuietly(RunStore store) {
    try {
      store.close();
    } catch (IOException e) {
      // what could not be sent are log lines (the events that matter were acknowledged)
    }
  }

  static Runs.LockReport lockReport(Output output) {
    return (key, dead) ->
        output.notice(
            new Notice(
                Notice.TOOK_OVER_LEASE,
                dead.runId(),
                "lock '"
                    + key
                    + "': its holder "
                    + dead
                    + " is gone (its lock lapsed unrenewed); taking it over"));
  }

  static int exitCode(RunState end) {
    if (end.status() == RunStatus.SUCCEEDED || end.status() == RunStatus.ABANDONED) {
      return ExitCodes.OK;
    }
    return end.status() == RunStatus.INTERRUPTED ? ExitCodes.INTERRUPTED : ExitCodes.STEP_FAILED;
  }
}
