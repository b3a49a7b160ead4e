package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Fleet;
import io.eksscheduler.cli.fleet.Hold;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.run.RunIds;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import io.eksscheduler.engine.state.RunSummary;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Brings one cluster of a fleet to the state it should be in now: reads its hold and opt-in tag,
 * its schedule and its actual state (an unfinished stop or start in its run store, else what the
 * cluster records), and when they differ runs its stop or start exactly as {@code stop} and {@code
 * start} would (continuing an unfinished run under the same rules); when they agree it changes
 * nothing and creates no run. Notifies the fleet's webhook of a change and of a failed run.
 */
final class Reconciler {

  /**
   * How reconcile runs.
   *
   * @param at the instant to decide for (now, or --at)
   * @param eksLogin reach Kubernetes through EKS
   * @param dryRun decide and preview, change nothing
   * @param store where runs are kept
   * @param output text or json
   */
  record Options(
      Instant at,
      boolean eksLogin,
      boolean dryRun,
      StoreOptions store,
      RunOptions.OutputFormat output) {}

  private final App app;
  private final Fleet fleet;
  private final Fleet.Cluster entry;
  private final Options options;

  Reconciler(App app, Fleet fleet, Fleet.Cluster entry, Options options) {
    this.app = app;
    this.fleet = fleet;
    this.entry = entry;
    this.options = options;
  }

  /** The params that point the clients at the cluster. */
  private Map<String, String> targetParams() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("cluster", entry.name());
    p.put("region", entry.region());
    if (options.eksLogin()) {
      p.put("login", "eks");
    }
    return p;
  }

  /**
   * What reconcile and fleet status read of the cluster.
   *
   * @param hold its hold tag, if any
   * @param optedIn whether it carries the opt-in tag
   * @param desired what it should be at the instant
   * @param actual what it is
   * @param runs the runs of its stop's and start's lock keys
   * @param stops the stop runs whose sleep reaches into the period asked for, loaded (status only)
   * @param since when the sleep it is in began, as the cluster records it, if known (status only)
   */
  record Observation(
      Optional<Hold> hold,
      boolean optedIn,
      Reconciliation.Desired desired,
      Reconciliation.Actual actual,
      List<RunSummary> runs,
      List<RunState> stops,
      Optional<String> since) {}

  /** The stop's playbook: the fleet entry's own, else the stock one. */
  Playbook stopPlaybook() {
    return playbook(true);
  }

  /** The start's playbook: the fleet entry's own, else the stock one. */
  Playbook startPlaybook() {
    return playbook(false);
  }

  /**
   * Reads the cluster, as the entry's role if it names one: its tags, the runs of its lock keys
   * and, with {@code stopsSince}, the stop runs asleep after that instant (loaded from its store)
   * and what the cluster records even while a run is unfinished.
   */
  Observation observe(Playbook stop, Playbook start, Optional<Instant> stopsSince)
      throws Exception {
    app.target(new LinkedHashMap<>(targetParams()));
    entry.roleArn().ifPresent(arn -> app.assumeRole(arn, "eks-scheduler"));
    ClusterTags tags = new ClusterTags(app.clients.get(EksClient.class), entry.name());
    Optional<Hold> hold = tags.hold();
    Reconciliation.Desired desired = Reconciliation.desired(entry.schedule(), hold, options.at());
    List<RunSummary> ofKey = new ArrayList<>();
    List<RunState> stops = new ArrayList<>();
    StateChoice choice = StateChoice.resolve(options.store(), app.env, StateChoice.Kind.KUBERNETES);
    RunStore store = app.store(choice, options.store(), line -> app.err.println("notice: " + line));
    try {
      Runs runs = new Runs(app.executor(), store, app.settings(), App.host());
      String runId = RunIds.next(app.clock, app.random);
      Set<String> keys = new java.util.HashSet<>();
      for (Playbook p : List.of(stop, start)) {
        Map<String, Object> params = app.params(p, targetParams(), null);
        runs.lockKey(p, params, runId).ifPresent(keys::add);
      }
      List<String> problems = new ArrayList<>();
      for (RunSummary s : store.summaries(problems)) {
        if (keys.contains(s.lockKey())) {
          ofKey.add(s);
        }
      }
      problems.forEach(p -> app.err.println("warning: " + p));
      if (stopsSince.isPresent()) {
        for (String id : stopRunsSince(ofKey, stop.name(), stopsSince.get())) {
          store.load(id).ifPresent(stops::add);
        }
      }
    } finally {
      RunLauncher.closeQuietly(store);
    }
    Optional<RunSummary> unfinished = Reconciliation.unfinished(ofKey);
    // An unfinished run says the state (partial); reconcile then needs nothing of the cluster.
    Map<String, Object> recorded =
        unfinished.isPresent() && stopsSince.isEmpty() ? Map.of() : recorded();
    boolean asleep = unfinished.isEmpty() && Boolean.TRUE.equals(recorded.get("asleep"));
    return new Observation(
        hold,
        tags.optedIn(),
        desired,
        Reconciliation.actual(ofKey, asleep),
        ofKey,
        stops,
        Optional.ofNullable(recorded.get("since")).map(Object::toString));
  }

  /**
   * The stop runs (of playbook {@code stopName}) started at or after {@code since}, and the last
   * one started before it (its sleep may reach into the period), oldest first.
   */
  static List<String> stopRunsSince(List<RunSummary> runs, String stopName, Instant since) {
    List<RunSummary> stops =
        runs.stream()
            .filter(r -> stopName.equals(r.playbook()))
            .sorted(
                java.util.Comparator.comparing(RunSummary::startedAt)
                    .thenComparing(RunSummary::runId))
            .toList();
    List<String> out = new ArrayList<>();
    RunSummary before = null;
    for (RunSummary r : stops) {
      if (r.startedAt().isBefore(since)) {
        before = r;
      } else {
        out.add(r.runId());
      }
    }
    if (before != null) {
      out.add(0, before.runId());
    }
    return out;
  }

  /** Decides and, when the cluster is not as it should be, runs its stop or start. */
  int reconcile() throws Exception {
    Map<String, String> target = targetParams();
    Playbook stop = playbook(true);
    Playbook start = playbook(false);
    Observation seen = observe(stop, start, Optional.empty());
    Reconciliation.Desired desired = seen.desired();
    Reconciliation.Actual actual = seen.actual();
    Reconciliation.Action action =
        Reconciliation.decide(desired, actual, seen.optedIn(), entry.force());
    report(desired, actual, action);
    if (action == Reconciliation.Action.NONE || action == Reconciliation.Action.NOT_OPTED_IN) {
      return ExitCodes.OK;
    }
    boolean stopping = action == Reconciliation.Action.STOP;
    RunOptions run = new RunOptions();
    run.params = new LinkedHashMap<>(target);
    if (stopping && entry.force()) {
      run.params.put("force", "true");
    }
    if (!stopping) {
      entry.minNodes().ifPresent(n -> run.params.put("minNodes", Integer.toString(n)));
    }
    run.dryRun = options.dryRun();
    run.store = options.store();
    run.output = options.output();
    Optional<Path> own = stopping ? entry.stopPlaybook() : entry.startPlaybook();
    String text =
        own.isPresent() ? read(own.get()) : StockPlaybookCommand.stock(stockFile(stopping));
    RunLauncher launcher = new RunLauncher(app);
    int code =
        launcher.launch(
            stopping ? stop : start,
            text,
            run,
            StateChoice.Kind.KUBERNETES,
            new ContinuedRuns.Settings(false, Continuation.DEFAULT_MAX_AGE));
    if (!options.dryRun()) {
      launcher.ended().ifPresent(end -> notify(end, actual, stopping));
    }
    return code;
  }

  private static String stockFile(boolean stopping) {
    return stopping ? "hibernate.yaml" : "wake.yaml";
  }

  private Playbook playbook(boolean stopping) {
    Optional<Path> own = stopping ? entry.stopPlaybook() : entry.startPlaybook();
    String text =
        own.isPresent() ? read(own.get()) : StockPlaybookCommand.stock(stockFile(stopping));
    return app.load(
        text, own.map(Path::toString).orElse("eks-scheduler:playbooks/" + stockFile(stopping)));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ":1:1: no such file");
    } catch (IOException e) {
      throw new UserError(file + ":1:1: cannot read: " + e.getMessage());
    }
  }

  /** What cluster.status reads of the cluster (read-only): asleep, since, originals. */
  private Map<String, Object> recorded() throws Exception {
    Playbook playbook = app.load(StatusCommand.PLAYBOOK, "eks-scheduler:status");
    Map<String, Object> params = app.params(playbook, targetParams(), null);
    DryRun.StepPreview preview =
        new DryRun(app.actions, app.schemas, app.clients, app.settings())
            .preview(playbook, params, RunIds.next(app.clock, app.random))
            .get(0);
    if (preview.error() != null) {
      throw new UserError(
          List.of(
              "error: cannot read the state of cluster " + entry.name() + ": " + preview.error()),
          ExitCodes.STEP_FAILED);
    }
    return preview.plan().orElseThrow().predictedOutputs();
  }

  private void report(
      Reconciliation.Desired desired, Reconciliation.Actual actual, Reconciliation.Action action)
      throws IOException {
    app.out.println(
        ReconcileReport.render(
            entry.name(),
            options.at(),
            options.dryRun(),
            options.output(),
            desired,
            actual,
            action));
    app.out.flush();
  }

  /** Tells the fleet's webhook how the run ended, as {@link RunNotice} decides. */
  private void notify(RunState end, Reconciliation.Actual before, boolean stopping) {
    if (fleet.webhookUrlFrom().isEmpty()) {
      return;
    }
    RunNotice.Notice notice = RunNotice.decide(entry.name(), end, before, stopping);
    if (notice instanceof RunNotice.ToldBefore told) {
      app.err.println(
          "notice: run "
              + told.runId()
              + " failed again; the webhook was told of its failure before, not told again");
      return;
    }
    if (!(notice instanceof RunNotice.Tell tell)) {
      return;
    }
    try {
      URI url = WebhookUrls.read(fleet.webhookUrlFrom().get(), app.env);
      Optional<String> problem = new Notifier(url, Sleeper.system()).send(tell.message());
      app.err.println(
          problem
              .map(
                  p ->
                      "warning: the notification of run "
                          + end.runId()
                          + " was not delivered: "
                          + p)
              .orElse("notice: the fleet's webhook was told: " + tell.text()));
    } catch (IllegalArgumentException e) {
      app.err.println("warning: no notification sent: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
