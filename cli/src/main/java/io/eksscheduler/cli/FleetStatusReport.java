package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.cli.fleet.Fleet;
import io.eksscheduler.cli.fleet.SleepAccounting;
import io.eksscheduler.engine.state.RunSummary;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What fleet status found, printed as text, JSON or the Prometheus text exposition format. */
final class FleetStatusReport {
  private FleetStatusReport() {}

  /** What status found of one cluster. */
  record ClusterStatus(
      Fleet.Cluster entry,
      Optional<Reconciler.Observation> seen,
      Optional<String> error,
      Instant monthStart,
      List<SleepAccounting.Usage> usage,
      List<Priced> priced) {}

  /**
   * One instance type's node-hours, priced.
   *
   * @param usage its node-hours
   * @param usdPerHour its price, if known
   * @param source {@code fleet file}, {@code list price} or why none
   */
  record Priced(SleepAccounting.Usage usage, Optional<BigDecimal> usdPerHour, String source) {
    /** Its estimated saving in USD, to the micro-dollar (text shows cents). */
    Optional<BigDecimal> usd() {
      return usdPerHour.map(
          p -> p.multiply(BigDecimal.valueOf(usage.nodeHours())).setScale(6, RoundingMode.HALF_UP));
    }
  }

  private static String word(boolean awake) {
    return awake ? "awake" : "asleep";
  }

  private static Optional<RunSummary> lastRun(Reconciler.Observation seen) {
    return seen.runs().stream()
        .max(Comparator.comparing(RunSummary::startedAt).thenComparing(RunSummary::runId));
  }

  /** When the state the cluster is in began: the last run that ended in it, else the cluster. */
  private static Optional<String> since(Reconciler.Observation seen) {
    if (seen.actual().unfinished().isPresent()) {
      return Optional.of(seen.actual().unfinished().get().startedAt().toString());
    }
    Optional<RunSummary> last = lastRun(seen);
    if (last.isPresent() && last.get().status().name().equals("SUCCEEDED")) {
      return Optional.of(last.get().updatedAt().toString());
    }
    return seen.actual().asleep() ? seen.since() : Optional.empty();
  }

  private static double total(List<Priced> priced) {
    return priced.stream().mapToDouble(p -> p.usage().nodeHours()).sum();
  }

  private static BigDecimal saved(List<Priced> priced) {
    return priced.stream()
        .map(p -> p.usd().orElse(BigDecimal.ZERO))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static String hours(double h) {
    return String.format(Locale.ROOT, "%.1f", h);
  }

  static void text(PrintWriter out, Fleet fleet, Instant now, List<ClusterStatus> statuses) {
    out.println(
        "fleet "
            + fleet.name()
            + " at "
            + now
            + " (node-hours and savings are estimates, see --help)");
    double allHours = 0;
    BigDecimal allSaved = BigDecimal.ZERO;
    for (ClusterStatus s : statuses) {
      Fleet.Cluster c = s.entry();
      if (s.error().isPresent()) {
        out.println(c.name() + " (" + c.region() + "): cannot be read: " + s.error().get());
        continue;
      }
      Reconciler.Observation seen = s.seen().orElseThrow();
      String next =
          seen.desired()
              .next()
              .map(n -> "; next change " + n.at() + " " + word(n.awake()))
              .orElse("");
      out.println(
          c.name()
              + " ("
              + c.region()
              + "): "
              + seen.actual().describe()
              + since(seen).map(t -> " since " + t).orElse("")
              + "; should be "
              + word(seen.desired().awake())
              + " ("
              + seen.desired().because()
              + ")"
              + next);
      seen.hold()
          .ifPresent(
              h ->
                  out.println(
                      "  hold: "
                          + h.describe()
                          + (h.activeAt(now) ? "" : "; lapsed (the schedule rules)")));
      out.println(
          "  last run: "
              + lastRun(seen)
                  .map(
                      r ->
                          r.runId()
                              + " ("
                              + r.playbook()
                              + ") "
                              + r.status().label()
                              + ", "
                              + r.updatedAt())
                  .orElse("none in its run store"));
      StringBuilder month =
          new StringBuilder(
              "  this month (from "
                  + ZonedDateTime.ofInstant(s.monthStart(), c.schedule().zone()).toLocalDate()
                  + " "
                  + c.schedule().zone().getId()
                  + "): "
                  + hours(total(s.priced()))
                  + " node-hours asleep");
      for (Priced p : s.priced()) {
        month
            .append("; ")
            .append(p.usage().instanceType() == null ? "unknown type" : p.usage().instanceType())
            .append(' ')
            .append(hours(p.usage().nodeHours()))
            .append(" h");
        if (p.usdPerHour().isPresent()) {
          month
              .append(" × $")
              .append(p.usdPerHour().get().stripTrailingZeros().toPlainString())
              .append(" (")
              .append(p.source())
              .append(") = $")
              .append(cents(p.usd().orElseThrow()));
        } else {
          month.append(" (no price: ").append(p.source()).append(')');
        }
        if (p.usage().spot()) {
          month.append(" [Spot: an upper bound]");
        }
      }
      out.println(month);
      out.println("  estimated saving this month: $" + cents(saved(s.priced())));
      allHours += total(s.priced());
      allSaved = allSaved.add(saved(s.priced()));
    }
    out.println(
        "fleet: "
            + hours(allHours)
            + " node-hours asleep this month, estimated saving $"
            + cents(allSaved)
            + unread(statuses));
  }

  /** What the fleet's totals leave out: the clusters that could not be read. */
  private static String unread(List<ClusterStatus> statuses) {
    long failed = statuses.stream().filter(s -> s.error().isPresent()).count();
    return failed == 0
        ? ""
        : " (without the "
            + failed
            + " of "
            + statuses.size()
            + " clusters that could not be read)";
  }

  static String json(Fleet fleet, Instant now, List<ClusterStatus> statuses) throws Exception {
    ObjectNode root = App.json().createObjectNode();
    root.put("fleet", fleet.name()).put("at", now.toString()).put("estimate", true);
    ArrayNode list = root.putArray("clusters");
    for (ClusterStatus s : statuses) {
      ObjectNode o = list.addObject();
      o.put("cluster", s.entry().name()).put("region", s.entry().region());
      if (s.error().isPresent()) {
        o.put("error", s.error().get());
        continue;
      }
      Reconciler.Observation seen = s.seen().orElseThrow();
      o.put("actual", seen.actual().word());
      o.put("since", since(seen).orElse(null));
      o.put("desired", word(seen.desired().awake()));
      o.put("because", seen.desired().because());
      if (seen.desired().next().isPresent()) {
        o.putObject("next")
            .put("at", seen.desired().next().get().at().toString())
            .put("desired", word(seen.desired().next().get().awake()));
      } else {
        o.putNull("next");
      }
      if (seen.hold().isPresent()) {
        var h = seen.hold().get();
        o.putObject("hold")
            .put("desired", word(h.awake()))
            .put("until", h.until().toString())
            .put("by", h.by())
            .put("reason", h.reason())
            .put("active", h.activeAt(now));
      } else {
        o.putNull("hold");
      }
      Optional<RunSummary> last = lastRun(seen);
      if (last.isPresent()) {
        o.putObject("lastRun")
            .put("runId", last.get().runId())
            .put("playbook", last.get().playbook())
            .put("status", last.get().status().label())
            .put("startedAt", last.get().startedAt().toString())
            .put("updatedAt", last.get().updatedAt().toString());
      } else {
        o.putNull("lastRun");
      }
      ObjectNode month = o.putObject("month");
      month.put("from", s.monthStart().toString()).put("to", now.toString());
      month.put("nodeHoursAsleep", round(total(s.priced())));
      ArrayNode types = month.putArray("byInstanceType");
      for (Priced p : s.priced()) {
        ObjectNode t = types.addObject();
        t.put("instanceType", p.usage().instanceType());
        t.put("spot", p.usage().spot());
        t.put("nodeHours", round(p.usage().nodeHours()));
        t.put("usdPerHour", p.usdPerHour().orElse(null));
        t.put("priceSource", p.source());
        t.put("estimatedSavingUsd", p.usd().orElse(null));
      }
      month.put("estimatedSavingUsd", saved(s.priced()));
    }
    return App.json().writeValueAsString(root);
  }

  private static double round(double v) {
    return BigDecimal.valueOf(v).setScale(6, RoundingMode.HALF_UP).doubleValue();
  }

  private static String cents(BigDecimal usd) {
    return usd.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  /** The Prometheus text exposition format (version 0.0.4): one family at a time. */
  static String prometheus(Fleet fleet, List<ClusterStatus> statuses) {
    StringBuilder out = new StringBuilder();
    family(
        out,
        "eks_scheduler_cluster_read",
        "1 when fleet status could read the cluster, else 0",
        statuses,
        s -> List.of(new Sample("", s.error().isPresent() ? 0 : 1)),
        fleet);
    family(
        out,
        "eks_scheduler_cluster_asleep",
        "1 when the cluster is asleep, 0 when awake or partly stopped or started",
        statuses,
        s ->
            List.of(
                new Sample("", s.seen().orElseThrow().actual().word().equals("asleep") ? 1 : 0)),
        fleet);
    family(
        out,
        "eks_scheduler_cluster_partial",
        "1 when a stop or start of the cluster did not end",
        statuses,
        s ->
            List.of(
                new Sample("", s.seen().orElseThrow().actual().unfinished().isPresent() ? 1 : 0)),
        fleet);
    family(
        out,
        "eks_scheduler_cluster_desired_asleep",
        "1 when the cluster's hold or schedule wants it asleep now",
        statuses,
        s -> List.of(new Sample("", s.seen().orElseThrow().desired().awake() ? 0 : 1)),
        fleet);
    family(
        out,
        "eks_scheduler_cluster_held",
        "1 while a hold decides the cluster's state",
        statuses,
        s ->
            List.of(
                new Sample(
                    "", s.seen().orElseThrow().desired().because().startsWith("held") ? 1 : 0)),
        fleet);
    family(
        out,
        "eks_scheduler_cluster_last_run_failed",
        "1 when the cluster's last run failed",
        statuses,
        s ->
            List.of(
                new Sample(
                    "",
                    lastRun(s.seen().orElseThrow())
                        .map(r -> r.status().name().equals("FAILED") ? 1 : 0)
                        .orElse(0))),
        fleet);
    family(
        out,
        "eks_scheduler_node_hours_asleep_month",
        "Estimated node-hours asleep this calendar month, by instance type",
        statuses,
        s ->
            s.priced().stream()
                .map(
                    p ->
                        new Sample(
                            ",instance_type=\""
                                + (p.usage().instanceType() == null
                                    ? "unknown"
                                    : p.usage().instanceType())
                                + "\",spot=\""
                                + p.usage().spot()
                                + "\"",
                            round(p.usage().nodeHours())))
                .toList(),
        fleet);
    family(
        out,
        "eks_scheduler_estimated_saving_usd_month",
        "Estimated USD saved by sleeping this calendar month (list or fleet-file prices)",
        statuses,
        s -> List.of(new Sample("", saved(s.priced()).doubleValue())),
        fleet);
    return out.toString();
  }

  private record Sample(String extraLabels, double value) {}

  private static void family(
      StringBuilder out,
      String name,
      String help,
      List<ClusterStatus> statuses,
      java.util.function.Function<ClusterStatus, List<Sample>> samples,
      Fleet fleet) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    for (ClusterStatus s : statuses) {
      if (s.error().isPresent() && !name.equals("eks_scheduler_cluster_read")) {
        continue;
      }
      for (Sample sample : samples.apply(s)) {
        out.append(name)
            .append("{fleet=\"")
            .append(label(fleet.name()))
            .append("\",cluster=\"")
            .append(label(s.entry().name()))
            .append("\",region=\"")
            .append(label(s.entry().region()))
            .append('"')
            .append(sample.extraLabels())
            .append("} ")
            .append(number(sample.value()))
            .append('\n');
      }
    }
  }

  private static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
