package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.cli.fleet.Fleet;
import io.eksscheduler.cli.fleet.FleetLoader;
import io.eksscheduler.cli.fleet.Schedule;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.Problem;
import io.eksscheduler.engine.playbook.YamlLimits;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Checks fleet files and tells what their schedules want. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = {
      "Check a fleet file (which clusters sleep when: schedules with time zones, holidays),"
          + " show what it wants at an instant, render the CronJobs that reconcile it from a"
          + " management cluster, and report what its clusters are and what their sleep saved."
          + " Reference: docs/fleet.md."
    },
    subcommands = {
      FleetCommand.Validate.class,
      FleetCommand.Plan.class,
      FleetRenderCommand.class,
      FleetStatusCommand.class
    })
final class FleetCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The fleet in {@code file} and every problem of it, sorted, the clusters' own playbooks'
   * problems included.
   */
  static FleetLoader.Result check(App app, Path file) {
    FleetLoader.Result result =
        new FleetLoader(app.schemas, YamlLimits.DEFAULT).load(file, file.toString());
    List<Problem> problems = new ArrayList<>(result.problems());
    result.fleet().ifPresent(f -> problems.addAll(playbookProblems(app.loader, f)));
    return new FleetLoader.Result(problems.isEmpty() ? result.fleet() : Optional.empty(), problems);
  }

  /** The fleet in {@code file}, or a {@link UserError} (exit 2) printing every problem. */
  static Fleet load(App app, Path file) {
    FleetLoader.Result result = check(app, file);
    if (result.fleet().isEmpty()) {
      List<String> lines = new ArrayList<>();
      result.problems().forEach(p -> lines.add(p.toString()));
      lines.add(count(result.problems()));
      throw new UserError(lines, ExitCodes.INVALID);
    }
    return result.fleet().get();
  }

  private static String count(List<Problem> problems) {
    return problems.size() + (problems.size() == 1 ? " problem" : " problems");
  }

  private static List<Problem> playbookProblems(PlaybookLoader loader, Fleet fleet) {
    List<Problem> problems = new ArrayList<>();
    for (Fleet.Cluster c : fleet.clusters()) {
      for (Optional<Path> p : List.of(c.stopPlaybook(), c.startPlaybook())) {
        p.ifPresent(path -> problems.addAll(loader.load(path, path.toString()).problems()));
      }
    }
    return problems;
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Check a fleet file: YAML, the schema (schemas/fleet.schema.json), time zones, days and"
            + " times, holiday calendars and dates, names given twice, references to schedules,"
            + " and the clusters' own playbooks.",
        "Every problem is printed at once as FILE:LINE:COL: message, sorted; exit 2 if any."
      },
      footer = {"%nExamples:", "  eks-scheduler fleet validate fleet.yaml"})
  static final class Validate extends AppCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The fleet file.")
    Path file;

    @Override
    public Integer call() {
      FleetLoader.Result result = check(app, file);
      if (result.fleet().isEmpty()) {
        result.problems().forEach(app.out::println);
        app.err.println(count(result.problems()));
        return ExitCodes.INVALID;
      }
      Fleet fleet = result.fleet().get();
      app.out.println(
          file
              + ": valid ("
              + fleet.clusters().size()
              + (fleet.clusters().size() == 1 ? " cluster, " : " clusters, ")
              + fleet.schedules().size()
              + (fleet.schedules().size() == 1 ? " schedule)" : " schedules)"));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = {
        "Show, for each cluster in file order, whether its schedule wants it awake or asleep at"
            + " an instant (now by default) and the next change: the first instant after it where"
            + " that flips, or none within 366 days.",
        "The schedule alone: no cloud access; holds are not read (reconcile obeys them)."
      },
      footer = {
        "%nExamples:",
        "  eks-scheduler fleet plan fleet.yaml",
        "  eks-scheduler fleet plan fleet.yaml --at 2026-12-24T18:30:00+01:00 --output json"
      })
  static final class Plan extends AppCommand implements Callable<Integer> {
    private static final DateTimeFormatter LOCAL =
        DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.ENGLISH);

    @Parameters(paramLabel = "FILE", description = "The fleet file.")
    Path file;

    @Option(
        names = "--at",
        paramLabel = "INSTANT",
        description =
            "The instant to plan for, ISO-8601 with Z or an offset (2026-12-21T06:00:00Z,"
                + " 2026-12-21T07:00:00+01:00); default now. A local time without offset is"
                + " refused: it is ambiguous.")
    String at;

    @Option(
        names = "--output",
        paramLabel = "FORMAT",
        description = "text (default) or json (one object per line per cluster).")
    RunOptions.OutputFormat output = RunOptions.OutputFormat.text;

    @Override
    public Integer call() {
      Instant t =
          at == null
              ? app.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              : instant(at);
      Fleet fleet = load(app, file);
      if (output == RunOptions.OutputFormat.json) {
        for (Fleet.Cluster c : fleet.clusters()) {
          Schedule.Verdict v = c.schedule().at(t);
          ObjectNode line = App.json().createObjectNode();
          line.put("cluster", c.name())
              .put("region", c.region())
              .put("at", t.toString())
              .put("desired", word(v.awake()));
          if (v.next().isPresent()) {
            line.putObject("next")
                .put("at", v.next().get().at().toString())
                .put("desired", word(v.next().get().awake()));
          } else {
            line.putNull("next");
          }
          line.put("schedule", c.schedule().name().orElse(null))
              .put("timeZone", c.schedule().zone().getId());
          app.out.println(line);
        }
        return ExitCodes.OK;
      }
      app.out.println("at " + t);
      String format = "%-24s %-16s %-8s %s";
      app.out.println(String.format(format, "CLUSTER", "REGION", "DESIRED", "NEXT CHANGE"));
      for (Fleet.Cluster c : fleet.clusters()) {
        Schedule.Verdict v = c.schedule().at(t);
        String next =
            v.next()
                .map(
                    n ->
                        n.at()
                            + " "
                            + word(n.awake())
                            + " ("
                            + LOCAL.format(ZonedDateTime.ofInstant(n.at(), c.schedule().zone()))
                            + ")")
                .orElse("none within 366 days");
        app.out.println(String.format(format, c.name(), c.region(), word(v.awake()), next));
      }
      return ExitCodes.OK;
    }

    private static String word(boolean awake) {
      return awake ? "awake" : "asleep";
    }
  }

  /** An instant with Z or an offset, or a {@link UserError}. */
  static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new UserError(
          "error: --at '"
              + text
              + "' is not an instant: give ISO-8601 with Z or an offset, e.g."
              + " 2026-12-21T06:00:00Z or 2026-12-21T07:00:00+01:00 (a local time is ambiguous)");
    }
  }
}
