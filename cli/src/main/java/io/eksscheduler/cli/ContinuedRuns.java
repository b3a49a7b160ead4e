package io.eksscheduler.cli;

import io.eksscheduler.cli.output.Notice;
import io.eksscheduler.cli.output.Output;
import io.eksscheduler.engine.expr.EvaluationException;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.LockHeldException;
import io.eksscheduler.engine.state.RunLock;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How {@code stop} and {@code start} treat the unfinished runs of their cluster: under the lock of
 * its key, the {@link Continuation} decision is carried out (stale runs abandoned, their finally
 * run; the run to continue resumed, or a fresh one started), each said as a notice; a dry-run
 * previews the same without a lock or a change.
 */
final class ContinuedRuns {
  /**
   * The options of stop and start about continuing.
   *
   * @param allowChanged continue a run whose playbook text differs from the one given now
   * @param maxAge the age past which an unfinished run is abandoned, not continued
   */
  record Settings(boolean allowChanged, Duration maxAge) {}

  private final App app;
  private final RunStore store;
  private final Output output;
  private final Settings settings;
  private final String key;

  ContinuedRuns(App app, RunStore store, Output output, Settings settings, String key) {
    this.app = app;
    this.store = store;
    this.output = output;
    this.settings = settings;
    this.key = key;
  }

  private Continuation.Decision decide(String playbook) throws IOException {
    List<String> problems = new ArrayList<>();
    List<RunSummary> ofKey = new ArrayList<>();
    for (RunSummary s : store.summaries(problems)) {
      if (key.equals(s.lockKey())) {
        ofKey.add(s);
      }
    }
    problems.forEach(p -> app.err.println("warning: " + p));
    return Continuation.decide(ofKey, playbook, app.clock.instant(), settings.maxAge());
  }

  /** What a real run would continue, with notices of what it would do; changes nothing. */
  Optional<RunState> preview(Playbook playbook, String text, Map<String, Object> params)
      throws IOException {
    Continuation.Decision d = decide(playbook.name());
    for (Continuation.Stale s : d.abandon()) {
      output.notice(
          new Notice(
              Notice.ABANDONED_STALE_RUN,
              s.run().runId(),
              "the run would abandon run "
                  + s.run().runId()
                  + " ("
                  + s.run().playbook()
                  + ", "
                  + s.run().status().label()
                  + ": "
                  + s.reason()
                  + ") and run its finally steps"));
    }
    if (d.resume().isEmpty()) {
      return Optional.empty();
    }
    Optional<RunState> run = store.load(d.resume().get().runId());
    if (run.isEmpty() || !run.get().status().resumable()) {
      return Optional.empty();
    }
    output.notice(
        new Notice(
            Notice.CONTINUING_RUN,
            run.get().runId(),
            "the run would continue unfinished run "
                + run.get().runId()
                + " ("
                + run.get().status().label()
                + ", started "
                + run.get().startedAt()
                + "): the steps it ended are kept, not run again"
                + refusal(run.get(), text, params, null).map(r -> "; but: " + r).orElse("")));
    return run;
  }

  /**
   * Under the key's lock: abandons the stale runs, then continues the one to continue or starts run
   * {@code runId}.
   *
   * @param explicitRunId the {@code --run-id} given, or null
   */
  RunState run(
      Runs runs,
      Playbook playbook,
      String text,
      Map<String, Object> params,
      String runId,
      String explicitRunId,
      AtomicBoolean interrupt)
      throws IOException, LockHeldException, EvaluationException {
    Runs.LockReport report = RunLauncher.lockReport(output);
    try (RunLock lock = runs.lockKey(key, runId, report)) {
      Runs held = runs.holdingKey(key);
      Continuation.Decision d = decide(playbook.name());
      for (Continuation.Stale s : d.abandon()) {
        abandon(held, s, interrupt);
        if (interrupt.get()) {
          throw new UserError(
              List.of("interrupted while abandoning run " + s.run().runId()),
              ExitCodes.INTERRUPTED);
        }
      }
      Optional<RunState> unfinished =
          d.resume().isEmpty() ? Optional.empty() : store.load(d.resume().get().runId());
      if (unfinished.isEmpty() || !unfinished.get().status().resumable()) {
        return held.start(playbook, text, params, runId, output, interrupt, report);
      }
      RunState run = unfinished.get();
      Optional<String> refused = refusal(run, text, params, explicitRunId);
      if (refused.isPresent()) {
        throw new UserError(List.of(refused.get()), ExitCodes.INVALID);
      }
      boolean changed = !Runs.digest(text).equals(run.playbookDigest());
      output.notice(
          new Notice(
              Notice.CONTINUING_RUN,
              run.runId(),
              "continuing unfinished run "
                  + run.runId()
                  + " ("
                  + run.status().label()
                  + ", started "
                  + run.startedAt()
                  + "): the steps it ended are not run again"
                  + (changed ? "; with the playbook as given now (--allow-changed)" : "")));
      Playbook copy =
          changed ? playbook : app.load(store.playbookText(run.runId()), run.playbookFile());
      return held.resume(
          copy,
          run.runId(),
          run.lockKey(),
          changed ? Optional.of(text) : Optional.empty(),
          output,
          interrupt,
          report);
    }
  }

  private void abandon(Runs held, Continuation.Stale s, AtomicBoolean interrupt)
      throws IOException, LockHeldException {
    Optional<RunState> run = store.load(s.run().runId());
    if (run.isEmpty() || !run.get().status().resumable()) {
      return;
    }
    output.notice(
        new Notice(
            Notice.ABANDONED_STALE_RUN,
            s.run().runId(),
            "abandoning run "
                + s.run().runId()
                + " ("
                + s.run().playbook()
                + ", "
                + run.get().status().label()
                + ": "
                + s.reason()
                + "); its finally steps run, then a fresh run starts"));
    Playbook playbook = app.load(store.playbookText(run.get().runId()), run.get().playbookFile());
    held.abandon(playbook, run.get(), output, interrupt, RunLauncher.lockReport(output));
  }

  /**
   * Why {@code run} may not be continued as asked: another {@code --run-id}, other params (but
   * {@code login}, which says how this machine reaches the cluster), or a changed playbook without
   * --allow-changed.
   */
  private Optional<String> refusal(
      RunState run, String text, Map<String, Object> params, String explicitRunId) {
    String abandon =
        "or abandon it first: eks-scheduler runs abandon " + run.runId() + " (same --cluster)";
    if (explicitRunId != null && !explicitRunId.equals(run.runId())) {
      return Optional.of(
          "--run-id "
              + explicitRunId
              + ": lock '"
              + key
              + "' has unfinished run "
              + run.runId()
              + " to continue; give --run-id "
              + run.runId()
              + " or none, "
              + abandon);
    }
    TreeSet<String> differ = new TreeSet<>();
    TreeSet<String> names = new TreeSet<>(run.params().keySet());
    names.addAll(params.keySet());
    for (String name : names) {
      if (!"login".equals(name)
          && !Objects.equals(
              String.valueOf(run.params().get(name)), String.valueOf(params.get(name)))) {
        differ.add(name + "=" + run.params().get(name) + " (now " + params.get(name) + ")");
      }
    }
    if (!differ.isEmpty()) {
      return Optional.of(
          "unfinished run "
              + run.runId()
              + " of lock '"
              + key
              + "' ran with other params: "
              + String.join(", ", differ)
              + "; continue it with the same options, "
              + abandon);
    }
    if (!settings.allowChanged() && !Runs.digest(text).equals(run.playbookDigest())) {
      return Optional.of(
          "unfinished run "
              + run.runId()
              + " started with another playbook text ("
              + run.playbookDigest()
              + ", now "
              + Runs.digest(text)
              + "); continue it with the playbook as it is now with --allow-changed (steps"
              + " matched by id), "
              + abandon);
    }
    return Optional.empty();
  }

  /**
   * Warns when the directory store (the one runs were kept in before the cluster store was the
   * default) holds an unfinished run of this key, invisible from now on.
   */
  void warnDirectoryStore(StateChoice choice) {
    String fromEnv = app.env.get(StateChoice.STATE_DIR_ENV);
    Path dir = fromEnv != null && !fromEnv.isBlank() ? Paths.get(fromEnv) : StateChoice.DEFAULT_DIR;
    if (!choice.cluster() || !Files.isDirectory(dir.resolve("runs"))) {
      return;
    }
    try (DirectoryRunStore local = new DirectoryRunStore(dir)) {
      for (RunSummary s : local.summaries(new ArrayList<>())) {
        if (key.equals(s.lockKey()) && s.status().resumable()) {
          output.notice(
              new Notice(
                  Notice.DIRECTORY_STORE_UNFINISHED,
                  s.runId(),
                  "the directory store "
                      + dir
                      + " holds unfinished run "
                      + s.runId()
                      + " of lock '"
                      + key
                      + "' ("
                      + s.status().label()
                      + "), which this run cannot see: runs are kept in the cluster now. Finish"
                      + " it with: eks-scheduler resume "
                      + s.runId()
                      + " --state dir:"
                      + dir
                      + ", or close it: eks-scheduler runs abandon "
                      + s.runId()
                      + " --state dir:"
                      + dir));
        }
      }
    } catch (IOException e) {
      app.err.println("warning: could not read the directory store " + dir + ": " + e.getMessage());
    }
  }
}
