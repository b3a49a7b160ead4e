package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups;
import io.eksscheduler.cli.fleet.Fleet;
import io.eksscheduler.cli.fleet.SleepAccounting;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunSummary;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What each cluster of a fleet is, should be, and what its sleeping saved this month. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "For each cluster of a fleet: what it should be now and why (its hold, else its schedule),"
          + " what it is and since when, the next change, its hold (who, until, why), its last run"
          + " and how it ended, and this month's node-hours asleep with the estimated saving.",
      "Node-hours come from what each stop recorded in the cluster's run store (the nodes each"
          + " group ran, their instance type, when they were gone) up to when the next start"
          + " began; the month is the calendar month in the cluster's schedule's time zone."
          + " Prices are the AWS Price List's Linux on-demand list prices in the cluster's Region"
          + " (pricing:GetProducts), unless the fleet file's pricing.prices sets one; Spot groups"
          + " are marked, their saving is then an upper bound. Every figure is an estimate.",
      "Read-only: it reads each cluster as the fleet's CronJobs run reconcile (the entry's"
          + " roleArn, Kubernetes through EKS with the AWS credentials, the cluster's run store):"
          + " a kubeconfig names one cluster, a fleet many. A cluster that cannot be read is"
          + " reported and the others still are; exit 1 then. Reference: docs/fleet.md."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler fleet status fleet.yaml",
      "  eks-scheduler fleet status fleet.yaml --cluster dev --output json",
      "  eks-scheduler fleet status fleet.yaml --output prometheus > /var/lib/node_exporter/fleet.prom"
    })
final class FleetStatusCommand extends AppCommand implements Callable<Integer> {
  /** How fleet status prints. */
  enum Format {
    text,
    json,
    prometheus
  }

  @Parameters(paramLabel = "FILE", description = "The fleet file.")
  Path file;

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      description = "Only this cluster of the fleet (repeatable); default all, in file order.")
  List<String> only = new ArrayList<>();

  @Mixin StoreOptions store = new StoreOptions();

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description =
          "text (default), json (one object) or prometheus (the text exposition format: gauges"
              + " per cluster, for a node exporter's textfile collector or a Pushgateway).")
  Format output = Format.text;

  @Override
  public Integer call() throws Exception {
    Instant now = app.clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Fleet fleet = FleetCommand.load(app, file);
    List<Fleet.Cluster> clusters = new ArrayList<>();
    for (String name : only) {
      clusters.add(ReconcileCommand.entry(fleet, name, file));
    }
    if (clusters.isEmpty()) {
      clusters.addAll(fleet.clusters());
    }
    List<FleetStatusReport.ClusterStatus> statuses = new ArrayList<>();
    for (Fleet.Cluster entry : clusters) {
      statuses.add(read(fleet, entry, now));
    }
    switch (output) {
      case json -> app.out.println(FleetStatusReport.json(fleet, now, statuses));
      case prometheus -> app.out.print(FleetStatusReport.prometheus(fleet, statuses));
      default -> FleetStatusReport.text(app.out, fleet, now, statuses);
    }
    app.out.flush();
    return statuses.stream().anyMatch(s -> s.error().isPresent())
        ? ExitCodes.STEP_FAILED
        : ExitCodes.OK;
  }

  /** Reads one cluster with an App of its own (its own credentials and clients). */
  private FleetStatusReport.ClusterStatus read(Fleet fleet, Fleet.Cluster entry, Instant now) {
    Instant monthStart =
        ZonedDateTime.ofInstant(now, entry.schedule().zone())
            .withDayOfMonth(1)
            .truncatedTo(ChronoUnit.DAYS)
            .toInstant();
    App own = new App(app.out, app.err, app.env, app.actions);
    try {
      Reconciler reconciler =
          new Reconciler(
              own,
              fleet,
              entry,
              // Through EKS, as the CronJobs' pods: a kubeconfig names one cluster, a fleet many.
              new Reconciler.Options(now, true, true, store, RunOptions.OutputFormat.text));
      Playbook stop = reconciler.stopPlaybook();
      Playbook start = reconciler.startPlaybook();
      Reconciler.Observation seen = reconciler.observe(stop, start, Optional.of(monthStart));
      List<Instant> starts =
          seen.runs().stream()
              .filter(r -> start.name().equals(r.playbook()))
              .map(RunSummary::startedAt)
              .toList();
      List<SleepAccounting.Usage> usage =
          SleepAccounting.usage(
              SleepAccounting.sleeps(stops(seen.stops()), starts, monthStart, now));
      List<FleetStatusReport.Priced> priced = new ArrayList<>();
      PriceList prices = null;
      for (SleepAccounting.Usage u : usage) {
        if (u.instanceType() == null) {
          priced.add(
              new FleetStatusReport.Priced(u, Optional.empty(), "no instance type recorded"));
          continue;
        }
        BigDecimal own_ = fleet.pricing().prices().get(u.instanceType());
        if (own_ != null) {
          priced.add(new FleetStatusReport.Priced(u, Optional.of(own_), "fleet file"));
          continue;
        }
        if (prices == null) {
          prices =
              new PriceList(own.credentials(), fleet.pricing().apiRegion(), app.env, own.runner);
        }
        try {
          Optional<BigDecimal> p = prices.linuxOnDemand(entry.region(), u.instanceType());
          priced.add(
              new FleetStatusReport.Priced(
                  u, p, p.isPresent() ? "list price" : "not in the price list"));
        } catch (PriceList.PriceListException e) {
          priced.add(new FleetStatusReport.Priced(u, Optional.empty(), e.getMessage()));
        }
      }
      return new FleetStatusReport.ClusterStatus(
          entry, Optional.of(seen), Optional.empty(), monthStart, usage, priced);
    } catch (UserError e) {
      return failed(
          entry,
          monthStart,
          String.join("; ", e.lines().stream().map(l -> l.replaceFirst("^error: ", "")).toList()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(entry, monthStart, "interrupted");
    } catch (Exception e) {
      return failed(entry, monthStart, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static FleetStatusReport.ClusterStatus failed(
      Fleet.Cluster entry, Instant monthStart, String why) {
    return new FleetStatusReport.ClusterStatus(
        entry, Optional.empty(), Optional.of(why), monthStart, List.of(), List.of());
  }

  /** The stops that removed nodes: their node groups' step succeeded and recorded nodes. */
  static List<SleepAccounting.Stop> stops(List<RunState> runs) {
    List<SleepAccounting.Stop> out = new ArrayList<>();
    for (RunState run : runs) {
      for (StepState step : run.steps().values()) {
        List<SleepAccounting.Group> groups = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : step.ledger().entrySet()) {
          if (e.getKey().startsWith(ScaleNodeGroups.NODES)) {
            JsonNode n = e.getValue();
            groups.add(
                new SleepAccounting.Group(
                    e.getKey().substring(ScaleNodeGroups.NODES.length()),
                    n.path("count").asInt(0),
                    n.path("instanceType").isTextual() ? n.path("instanceType").asText() : null,
                    n.path("spot").asBoolean(false)));
          }
        }
        if (!groups.isEmpty()
            && step.status() == StepStatus.SUCCEEDED
            && step.finishedAt() != null) {
          out.add(new SleepAccounting.Stop(run.runId(), step.finishedAt(), groups));
        }
      }
    }
    return out;
  }
}
