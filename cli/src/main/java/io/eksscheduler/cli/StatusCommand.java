package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Hold;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.run.RunIds;
import io.eksscheduler.engine.spi.Plan;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.eks.EksClient;

/** Says whether a cluster is asleep, from what a stop recorded on it. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Say whether an EKS cluster is asleep or awake, since when, by which run, and the originals"
          + " a stop recorded (node group tags, workload annotations). Read-only; it reads the"
          + " cluster, not the local state directory, so it answers the same on any machine."
    },
    footer = {
      "%nExamples:",
      "  eks-scheduler status --cluster dev",
      "  eks-scheduler status --cluster dev --output json"
    })
final class StatusCommand extends AppCommand implements Callable<Integer> {
  /** The playbook that reads the cluster: one step, cluster.status. Reconcile reads it too. */
  static final String PLAYBOOK =
      """
      apiVersion: eks-scheduler/v1
      kind: Playbook
      metadata: {name: status}
      params:
        cluster: {type: string}
        region: {type: string, default: ""}
        login: {type: string, default: auto}
      steps:
        - id: status
          action: cluster.status
          with: {cluster: "${{ params.cluster }}"}
      """;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "NAME",
      description = "The EKS cluster.")
  String cluster;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "The AWS region (default: AWS_REGION or the profile's).")
  String region;

  @Option(
      names = "--eks-login",
      description = "Reach Kubernetes through EKS with the AWS credentials, as stop and start do.")
  boolean eksLogin;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "text (default) or json (one object).")
  RunOptions.OutputFormat output = RunOptions.OutputFormat.text;

  @Override
  public Integer call() throws Exception {
    Playbook playbook = app.load(PLAYBOOK, "eks-scheduler:status");
    Map<String, String> pairs = new LinkedHashMap<>();
    pairs.put("cluster", cluster);
    if (region != null) {
      pairs.put("region", region);
    }
    if (eksLogin) {
      pairs.put("login", "eks");
    }
    Map<String, Object> params = app.params(playbook, pairs, null);
    app.target(params);
    DryRun.StepPreview preview =
        new DryRun(app.actions, app.schemas, app.clients, app.settings())
            .preview(playbook, params, RunIds.next(app.clock, app.random))
            .get(0);
    if (preview.error() != null) {
      app.err.println(
          "error: cannot read the status of cluster " + cluster + ": " + preview.error());
      return ExitCodes.STEP_FAILED;
    }
    Plan plan = preview.plan().orElseThrow();
    Optional<Hold> hold = new ClusterTags(app.clients.get(EksClient.class), cluster).hold();
    Instant now = app.clock.instant();
    if (output == RunOptions.OutputFormat.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("cluster", cluster);
      json.putAll(plan.predictedOutputs());
      if (hold.isPresent()) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("desired", hold.get().awake() ? "awake" : "asleep");
        h.put("until", hold.get().until().toString());
        h.put("by", hold.get().by());
        h.put("reason", hold.get().reason());
        h.put("active", hold.get().activeAt(now));
        json.put("hold", h);
      } else {
        json.put("hold", null);
      }
      app.out.println(App.json().writeValueAsString(json));
      return ExitCodes.OK;
    }
    List<String> lines = plan.changes();
    app.out.println("cluster " + cluster + ": " + lines.get(0));
    hold.ifPresent(
        h ->
            app.out.println(
                "  hold: "
                    + h.describe()
                    + (h.activeAt(now) ? "" : "; lapsed (the schedule rules; hold --release)")));
    lines.subList(1, lines.size()).forEach(l -> app.out.println("  " + l));
    return ExitCodes.OK;
  }
}
