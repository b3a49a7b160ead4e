package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Fleet;
import io.eksscheduler.cli.fleet.Hold;
import io.eksscheduler.engine.spi.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;

/** Keeps a cluster awake or asleep until a time, whatever its schedule says, without Git. */
@Command(
    name = "hold",
    mixinStandardHelpOptions = true,
    description = {
      "Keep a cluster awake (or asleep) until a time, whatever its schedule says, without a"
          + " change in Git: \"keep it awake tonight, we are releasing\". The hold is one tag on"
          + " the EKS cluster (eks-scheduler.io/hold: what, until when, who set it from the"
          + " caller's STS identity, why), so every runner obeys it and the AWS console shows it.",
      "reconcile obeys a hold until it lapses, then the schedule again. A hold lasts at most 14"
          + " days. --now reconciles the cluster at once (\"wake it now\"); without it the next"
          + " reconcile acts. status --cluster C shows the hold. Reference: docs/reconcile.md."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler hold --cluster dev --fleet fleet.yaml --awake --until 4h --reason"
          + " \"release 4.2\" --now",
      "  eks-scheduler hold --cluster qa --region us-east-1 --asleep --until 2026-12-28T07:00:00Z",
      "  eks-scheduler hold --cluster dev --region eu-west-1 --release"
    })
final class HoldCommand extends AppCommand implements Callable<Integer> {
  private static final Pattern DAYS = Pattern.compile("([0-9]+)d(.*)");

  @Option(names = "--cluster", required = true, paramLabel = "NAME", description = "The cluster.")
  String cluster;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "Its AWS region (default: the fleet entry's, else AWS_REGION or the profile's).")
  String region;

  @Option(
      names = "--fleet",
      paramLabel = "FILE",
      description =
          "The fleet file: the cluster's region and role come from its entry; needed by --now.")
  Path fleetFile;

  /** What to do: hold awake, hold asleep, or release. */
  static final class What {
    @Option(names = "--awake", required = true, description = "Keep it awake.")
    boolean awake;

    @Option(names = "--asleep", required = true, description = "Keep it asleep.")
    boolean asleep;

    @Option(
        names = "--release",
        required = true,
        description = "Remove the hold: the schedule rules again (exit 0 if there is none).")
    boolean release;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  @Option(
      names = "--until",
      paramLabel = "TIME|DURATION",
      description =
          "When the hold lapses: an instant with Z or an offset (2026-12-06T07:00:00+01:00), or a"
              + " duration from now (30m, 4h, 2d, 1d12h); in the future and at most 14 days"
              + " ahead.")
  String until;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description =
          "Why, for whoever wonders (letters, digits, spaces and + - = . _ : / @; at most 100"
              + " characters, fewer when your identity's ARN is long: a tag holds 256).")
  String reason = "";

  @Option(names = "--now", description = "Reconcile the cluster at once (needs --fleet).")
  boolean now;

  @Option(
      names = "--eks-login",
      description = "With --now: reach Kubernetes through EKS with the AWS credentials.")
  boolean eksLogin;

  @Mixin StoreOptions store = new StoreOptions();

  @Override
  public Integer call() throws Exception {
    Instant t = app.clock.instant().truncatedTo(ChronoUnit.SECONDS);
    if (now && fleetFile == null) {
      throw new UserError(
          List.of("error: --now reconciles the cluster by its fleet entry: give --fleet FILE"),
          ExitCodes.INVALID);
    }
    if (what.release && until != null) {
      throw new UserError(List.of("error: --release takes no --until"), ExitCodes.INVALID);
    }
    if (!what.release && until == null) {
      throw new UserError(
          List.of("error: a hold needs --until TIME|DURATION (at most 14d ahead)"),
          ExitCodes.INVALID);
    }
    Instant lapse = what.release ? null : lapse(until, t);
    Fleet fleet = fleetFile == null ? null : FleetCommand.load(app, fleetFile);
    Optional<Fleet.Cluster> entry =
        fleet == null
            ? Optional.empty()
            : Optional.of(ReconcileCommand.entry(fleet, cluster, fleetFile));
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("cluster", cluster);
    String r = region != null ? region : entry.map(Fleet.Cluster::region).orElse(null);
    if (r != null) {
      target.put("region", r);
    }
    target.put("login", "kubeconfig");
    app.target(target);
    entry.flatMap(Fleet.Cluster::roleArn).ifPresent(arn -> app.assumeRole(arn, "eks-scheduler"));
    ClusterTags tags = new ClusterTags(app.clients.get(EksClient.class), cluster);
    if (what.release) {
      Optional<String> value = Optional.ofNullable(tags.tags().get(Hold.TAG));
      if (value.isEmpty()) {
        app.out.println("cluster " + cluster + " has no hold; nothing to release");
      } else {
        tags.removeHold();
        app.out.println(
            "cluster "
                + cluster
                + ": released its hold ("
                + Hold.parse(value.get()).map(Hold::describe).orElse(value.get())
                + "); its schedule rules again");
      }
    } else {
      String by = Hold.sanitizedIdentity(caller(r));
      Hold.reasonProblem(reason, by)
          .ifPresent(
              p -> {
                throw new UserError(List.of("error: " + p), ExitCodes.INVALID);
              });
      Hold hold = new Hold(what.awake, lapse, by, reason.trim());
      tags.setHold(hold);
      app.out.println(
          "cluster "
              + cluster
              + ": held "
              + hold.describe()
              + "; reconcile keeps it "
              + (hold.awake() ? "awake" : "asleep")
              + " until then, whatever its schedule says");
    }
    app.out.flush();
    if (!now) {
      return ExitCodes.OK;
    }
    return new Reconciler(
            app,
            fleet,
            entry.orElseThrow(),
            new Reconciler.Options(t, eksLogin, false, store, RunOptions.OutputFormat.text))
        .reconcile();
  }

  /**
   * Who places the hold: the ARN STS reports for the caller's own credentials, not for the role a
   * fleet entry assumes (which every runner shares).
   */
  private String caller(String region) {
    try (StsClient sts =
        AwsClients.sts(
            AwsClients.region(
                region == null ? null : software.amazon.awssdk.regions.Region.of(region)),
            app.ownCredentials(),
            app.runner)) {
      return sts.getCallerIdentity().arn();
    } catch (SdkException e) {
      throw new UserError(
          List.of("error: cannot tell who you are (sts:GetCallerIdentity): " + e.getMessage()),
          ExitCodes.STEP_FAILED);
    }
  }

  /** When a hold given as {@code text} lapses, seen at {@code now}; exit 2 when out of range. */
  static Instant lapse(String text, Instant now) {
    Instant at;
    if (Character.isDigit(text.charAt(0)) && text.contains("T")) {
      at = FleetCommand.instant(text).truncatedTo(ChronoUnit.SECONDS);
    } else {
      at = now.plus(duration(text));
    }
    if (!at.isAfter(now)) {
      throw new UserError(
          List.of("error: --until " + text + " is not in the future (now " + now + ")"),
          ExitCodes.INVALID);
    }
    if (at.isAfter(now.plus(Hold.MAX))) {
      throw new UserError(
          List.of(
              "error: --until "
                  + text
                  + " is more than 14 days ahead; a hold is for a release or a test week, the"
                  + " fleet file's schedule for good"),
          ExitCodes.INVALID);
    }
    return at;
  }

  private static Duration duration(String text) {
    Matcher m = DAYS.matcher(text.trim());
    Duration days = Duration.ZERO;
    String rest = text.trim();
    if (m.matches() && m.group(1).length() < 6) {
      days = Duration.ofDays(Long.parseLong(m.group(1)));
      rest = m.group(2);
    }
    Optional<Duration> more = rest.isEmpty() ? Optional.of(Duration.ZERO) : Durations.parse(rest);
    if (more.isEmpty()) {
      throw new UserError(
          List.of(
              "error: --until '"
                  + text
                  + "' is neither an instant (2026-12-06T07:00:00Z, or with an offset) nor a"
                  + " duration (30m, 4h, 2d, 1d12h)"),
          ExitCodes.INVALID);
    }
    return days.plus(more.get());
  }
}
