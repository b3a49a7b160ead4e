package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Fleet;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Brings one cluster of a fleet to the state its schedule or hold wants now. */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Bring one cluster of a fleet to the state it should be in now, level-triggered: its hold"
          + " while one holds (see hold), else its schedule (time zone, windows, holidays),"
          + " against the state it is in (an unfinished stop or start of it: partial; else"
          + " asleep when a stop's originals are recorded on it, awake otherwise).",
      "When they differ it runs the cluster's stop or start with the fleet entry's settings"
          + " (region, roleArn, minNodes, force, playbooks), continuing an unfinished run as stop"
          + " and start do; when they agree it changes nothing and creates no run. Run it every"
          + " few minutes (a CronJob, a CI schedule): a missed change is made by the next one.",
      "A cluster started by hand outside its windows is stopped again by the next reconcile:"
          + " set a hold instead. A cluster without the opt-in tag is never stopped unless its"
          + " entry says force: true. Exit 4 when another runner holds the cluster's lock."
          + " Reference: docs/reconcile.md."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler reconcile --fleet fleet.yaml --cluster dev",
      "  eks-scheduler reconcile --fleet fleet.yaml --cluster dev --dry-run",
      "  eks-scheduler reconcile --fleet fleet.yaml --cluster dev --dry-run"
          + " --at 2026-12-21T18:00:00Z"
    })
final class ReconcileCommand extends AppCommand implements Callable<Integer> {
  @Option(names = "--fleet", required = true, paramLabel = "FILE", description = "The fleet file.")
  Path fleetFile;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "NAME",
      description = "The cluster of the fleet to reconcile.")
  String cluster;

  @Option(
      names = "--eks-login",
      description = "Reach Kubernetes through EKS with the AWS credentials, as stop and start do.")
  boolean eksLogin;

  @Option(
      names = "--at",
      paramLabel = "INSTANT",
      description =
          "Decide as if it were this instant (ISO-8601 with Z or an offset) instead of now: with"
              + " --dry-run, what reconcile will do then; without it, the change is made now.")
  String at;

  @Option(
      names = "--dry-run",
      description = "Decide and show what the run would change, from live state; change nothing.")
  boolean dryRun;

  @Mixin StoreOptions store = new StoreOptions();

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "text (default) or json (the decision, then the run's lines).")
  RunOptions.OutputFormat output = RunOptions.OutputFormat.text;

  @Override
  public Integer call() throws Exception {
    Instant t =
        at == null ? app.clock.instant().truncatedTo(ChronoUnit.SECONDS) : FleetCommand.instant(at);
    Fleet fleet = FleetCommand.load(app, fleetFile);
    Fleet.Cluster entry = entry(fleet, cluster, fleetFile);
    return new Reconciler(
            app, fleet, entry, new Reconciler.Options(t, eksLogin, dryRun, store, output))
        .reconcile();
  }

  /** The fleet's entry for {@code name}, or a {@link UserError} (exit 2) naming the clusters. */
  static Fleet.Cluster entry(Fleet fleet, String name, Path file) {
    return fleet
        .cluster(name)
        .orElseThrow(
            () ->
                new UserError(
                    List.of(
                        "error: the fleet "
                            + file
                            + " has no cluster "
                            + name
                            + "; its clusters: "
                            + String.join(
                                ", ", fleet.clusters().stream().map(Fleet.Cluster::name).toList())),
                    ExitCodes.INVALID));
  }
}
