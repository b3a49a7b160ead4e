package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Fleet;
import io.eksscheduler.cli.fleet.FleetManifests;
import io.eksscheduler.cli.fleet.RunBound;
import io.eksscheduler.cli.fleet.YamlDocuments;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.spi.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints the manifests that run a fleet from a management cluster: offline, no cloud access. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Print the manifests that run a fleet from a management cluster (multi-document YAML on"
          + " stdout, for kubectl apply): a Namespace, the runner's ServiceAccount, the fleet file"
          + " and the clusters' own playbooks in a ConfigMap, and one CronJob per cluster running"
          + " exactly: reconcile --fleet FILE --cluster NAME --eks-login --state kubernetes.",
      "A CronJob fires every --every minutes; whether a cluster sleeps or wakes is reconcile's"
          + " decision at each tick (time zones, DST, holidays, holds), not cron's. Offline: it"
          + " reads the fleet file and playbooks only. What to run on AWS and on each target"
          + " cluster (access entries, deploy/rbac.yaml) is printed as YAML comments at the top."
          + " Management cluster: Kubernetes 1.27 or later. Reference: docs/fleet-on-kubernetes.md."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler fleet render fleet.yaml --image registry.example.com/eks-scheduler:1.0.0"
          + " --irsa-role-arn arn:aws:iam::111122223333:role/eks-scheduler-runner"
          + " | kubectl apply --prune -l eks-scheduler.io/fleet=non-prod-0a1b2c3d -f -"
    })
final class FleetRenderCommand extends AppCommand implements Callable<Integer> {
  /** The minutes between ticks a CronJob can keep evenly: the divisors of 60. */
  static final Set<Integer> EVERY = Set.of(1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60);

  /** What a Job may take beyond its playbook's bound: the JVM, the login, reading the cluster. */
  static final Duration MARGIN = Duration.ofMinutes(10);

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}");

  @Parameters(paramLabel = "FILE", description = "The fleet file.")
  Path file;

  @Option(
      names = "--image",
      required = true,
      paramLabel = "IMAGE",
      description = "The runner's image, e.g. registry.example.com/eks-scheduler:1.0.0.")
  String image;

  @Option(
      names = "--every",
      paramLabel = "MINUTES",
      description =
          "Minutes between two reconciles of a cluster (default 5; a divisor of 60): transitions"
              + " and holds take effect within that long.")
  int every = 5;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "The management cluster's namespace (default eks-scheduler-fleet).")
  String namespace = "eks-scheduler-fleet";

  /** How the runner's pods get AWS credentials. */
  static final class Identity {
    @Option(
        names = "--irsa-role-arn",
        paramLabel = "ARN",
        description = "IRSA: annotate the ServiceAccount with this role.")
    String irsa;

    @Option(
        names = "--pod-identity-role-arn",
        paramLabel = "ARN",
        description =
            "EKS Pod Identity: no annotation; the association with this role is printed as the"
                + " aws eks create-pod-identity-association command to run.")
    String podIdentity;
  }

  @ArgGroup(exclusive = true)
  Identity identity;

  @Option(
      names = "--management-cluster",
      paramLabel = "NAME",
      description = "The management cluster's EKS name, for the printed Pod Identity command.")
  String management;

  @Option(
      names = "--job-deadline",
      paramLabel = "DURATION",
      description =
          "A Job's activeDeadlineSeconds (default: the longest its cluster's stop or start can"
              + " last by their steps' timeouts and retries, plus 10m; a shorter one is refused).")
  String jobDeadline;

  @Option(
      names = "--env-secret",
      paramLabel = "NAME",
      description =
          "The Secret whose keys become the pods' environment, e.g. the webhook URL's variable"
              + " (default eks-scheduler-env; optional: the pods start without it).")
  String envSecret = "eks-scheduler-env";

  @Override
  public Integer call() {
    List<String> usage = new ArrayList<>();
    if (!EVERY.contains(every)) {
      usage.add(
          "error: --every "
              + every
              + " is not a divisor of 60: give one of "
              + new TreeSet<>(EVERY));
    }
    if (!DNS_LABEL.matcher(namespace).matches()) {
      usage.add("error: --namespace '" + namespace + "' is not a DNS-1123 label");
    }
    if (!DNS_LABEL.matcher(envSecret).matches()
        && !envSecret.matches("[a-z0-9][-a-z0-9.]{0,251}[a-z0-9]")) {
      usage.add("error: --env-secret '" + envSecret + "' is not a Secret name");
    }
    if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
      usage.add("error: --image '" + image + "' is not an image reference");
    }
    Optional<String> role = roleArn();
    role.filter(a -> !ROLE_ARN.matcher(a).matches())
        .ifPresent(a -> usage.add("error: '" + a + "' is not an IAM role ARN"));
    Optional<Duration> deadline = Optional.empty();
    if (jobDeadline != null) {
      deadline = Durations.parse(jobDeadline);
      if (deadline.isEmpty()) {
        usage.add("error: --job-deadline '" + jobDeadline + "' is not a duration (90s, 15m, 2h)");
      }
    }
    if (!usage.isEmpty()) {
      throw new UserError(usage, ExitCodes.INVALID);
    }
    Fleet fleet = FleetCommand.load(app, file);
    List<FleetManifests.File> files = files(fleet);
    List<FleetManifests.ClusterJob> jobs = new ArrayList<>();
    for (Fleet.Cluster c : fleet.clusters()) {
      Duration needed = bound(c).plus(MARGIN);
      if (deadline.isPresent() && deadline.get().compareTo(needed) < 0) {
        throw new UserError(
            List.of(
                "error: --job-deadline "
                    + jobDeadline
                    + " is shorter than cluster "
                    + c.name()
                    + "'s run can last ("
                    + minutes(needed)
                    + ": its playbooks' steps, timeouts and retries, plus 10m): a Job killed"
                    + " mid-stop would leave it half asleep until the next tick"),
            ExitCodes.INVALID);
      }
      jobs.add(new FleetManifests.ClusterJob(c, deadline.orElse(roundUp(needed))));
    }
    List<String> comments =
        FleetInstructions.comments(
            fleet,
            namespace,
            role,
            identity != null && identity.podIdentity != null,
            management,
            envSecret);
    FleetManifests.Options options =
        new FleetManifests.Options(
            image, every, namespace, Optional.ofNullable(identity).map(i -> i.irsa), envSecret);
    comments.forEach(c -> app.out.println(c.isEmpty() ? "#" : "# " + c));
    app.out.print(YamlDocuments.dump(FleetManifests.render(fleet, files, jobs, options)));
    app.out.flush();
    return ExitCodes.OK;
  }

  private Optional<String> roleArn() {
    if (identity == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(identity.irsa != null ? identity.irsa : identity.podIdentity);
  }

  /**
   * The fleet file and the clusters' own playbooks, at their paths below the folder that holds them
   * all, so that the playbooks' paths relative to the fleet file hold in the mount too.
   */
  private List<FleetManifests.File> files(Fleet fleet) {
    Path fleetFile = file.toAbsolutePath().normalize();
    List<Path> playbooks = new ArrayList<>();
    for (Fleet.Cluster c : fleet.clusters()) {
      for (Optional<Path> p : List.of(c.stopPlaybook(), c.startPlaybook())) {
        p.map(x -> x.toAbsolutePath().normalize())
            .filter(x -> !playbooks.contains(x))
            .ifPresent(playbooks::add);
      }
    }
    Path root = fleetFile.getParent();
    for (Path p : playbooks) {
      while (!p.startsWith(root)) {
        root = root.getParent();
      }
    }
    List<FleetManifests.File> out = new ArrayList<>();
    out.add(
        new FleetManifests.File(FleetManifests.FLEET_KEY, relative(root, fleetFile), read(file)));
    for (Path p : playbooks) {
      out.add(
          new FleetManifests.File("playbook-" + out.size() + ".yaml", relative(root, p), read(p)));
    }
    int size = out.stream().mapToInt(f -> f.text().getBytes(StandardCharsets.UTF_8).length).sum();
    if (size > 900 * 1024) {
      throw new UserError(
          List.of(
              "error: the fleet file and its playbooks are "
                  + size
                  + " bytes: more than a ConfigMap holds (1 MiB with its metadata)"),
          ExitCodes.INVALID);
    }
    return out;
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  /** The longest the cluster's stop or start can last. */
  private Duration bound(Fleet.Cluster c) {
    Duration stop = RunBound.of(playbook(c.stopPlaybook(), "hibernate.yaml"));
    Duration start = RunBound.of(playbook(c.startPlaybook(), "wake.yaml"));
    return stop.compareTo(start) > 0 ? stop : start;
  }

  private Playbook playbook(Optional<Path> own, String stock) {
    return own.isPresent()
        ? app.load(own.get())
        : app.load(StockPlaybookCommand.stock(stock), "eks-scheduler:playbooks/" + stock);
  }

  private static Duration roundUp(Duration d) {
    long minutes = (d.toSeconds() + 59) / 60;
    return Duration.ofMinutes(minutes);
  }

  private static String minutes(Duration d) {
    return roundUp(d).toMinutes() + "m";
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UserError(path + ":1:1: cannot read: " + e.getMessage());
    }
  }
}
