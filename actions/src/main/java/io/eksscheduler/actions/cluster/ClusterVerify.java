package io.eksscheduler.actions.cluster;

import io.eksscheduler.actions.kube.ClusterView;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.nodegroups.AwsCalls;
import io.eksscheduler.actions.nodegroups.BusyGroups;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey;
import io.eksscheduler.actions.workloads.SleepSurvey;
import io.eksscheduler.actions.workloads.SleepWorkloads;
import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1NodeList;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterStatus;

/**
 * The read-only preflight of the stock playbooks: proves that the Kubernetes API server in use is
 * the one EKS reports for the cluster (a kubeconfig pointing at another cluster is refused before
 * anything changes), that the cluster is opted in with the tag {@code eks-scheduler.io/hibernate:
 * enabled} unless the run says {@code force}, that no add-on kind the run pauses is served only at
 * a version it does not read (a Karpenter v1beta1 NodePool, say), and lists what the run will
 * touch.
 */
public final class ClusterVerify implements Action<ClusterVerify.Params> {
  /** The opt-in tag of a cluster that may be hibernated. */
  public static final String OPT_IN_TAG = "eks-scheduler.io/hibernate";

  private static final String OPT_IN_VALUE = "enabled";
  static final Duration AWS_PATIENCE = Duration.ofMinutes(2);

  /**
   * The parameters of {@code cluster.verify}.
   *
   * @param cluster the EKS cluster's name
   * @param force true to go on without the opt-in tag
   * @param requireOptIn false to skip the opt-in check (a wake restores what a stop did)
   * @param busyNodegroups what to do while EKS is busy with the cluster or a node group: refuse
   *     (default) or wait
   * @param busyTimeout how long {@code wait} waits (default 30m)
   */
  public record Params(
      String cluster,
      Boolean force,
      Boolean requireOptIn,
      @AbsentIfUnparsable BusyGroups.Policy busyNodegroups,
      @AbsentIfUnparsable Duration busyTimeout) {
    boolean optInChecked() {
      return !Boolean.TRUE.equals(force) && !Boolean.FALSE.equals(requireOptIn);
    }

    BusyGroups.Policy busyPolicy() {
      return busyNodegroups == null ? BusyGroups.Policy.REFUSE : busyNodegroups;
    }

    Duration busyWait() {
      return busyTimeout == null ? Duration.ofMinutes(30) : busyTimeout;
    }
  }

  /** What the preflight found. */
  private record Findings(
      String endpoint, List<String> lines, List<String> nodegroups, int nodes, int workloads) {}

  @Override
  public String name() {
    return "cluster.verify";
  }

  @Override
  public String description() {
    return "Read-only preflight: the Kubernetes API server in use is the EKS cluster's, the cluster"
        + " is opted in (tag eks-scheduler.io/hibernate: enabled) unless forced, and what the run"
        + " will touch is listed.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/cluster.verify.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("endpoint", ValueType.STRING, "the cluster's API server endpoint"),
        new OutputSpec(
            "nodegroups",
            ValueType.ARRAY,
            "the managed node groups and self-managed Auto Scaling groups of the cluster"),
        new OutputSpec("nodes", ValueType.NUMBER, "the Nodes registered now"),
        new OutputSpec(
            "workloads",
            ValueType.NUMBER,
            "the Deployments, StatefulSets, CronJobs and running Jobs a default sleep would"
                + " act on"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    Findings f = verify(params, ctx, false);
    return new Plan(f.lines(), outputs(f).values());
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Findings f = verify(params, ctx, true);
    f.lines().forEach(ctx::log);
    return outputs(f);
  }

  private static Outputs outputs(Findings f) {
    return Outputs.of(
        "endpoint",
        f.endpoint(),
        "nodegroups",
        f.nodegroups(),
        "nodes",
        f.nodes(),
        "workloads",
        f.workloads());
  }

  /**
   * Verifies the cluster; with {@code mayWait} (a run, not a dry-run) waits under policy wait while
   * EKS is busy with it.
   */
  private static Findings verify(Params params, ActionContext ctx, boolean mayWait)
      throws ActionFailure, InterruptedException {
    String name = params.cluster();
    Cluster cluster = IdleGroups.describe(ctx, name);
    if (cluster.status() != ClusterStatus.ACTIVE && cluster.status() != ClusterStatus.UPDATING) {
      throw new ActionFailure(
          "EKS cluster "
              + name
              + " is "
              + cluster.statusAsString()
              + ", not ACTIVE; nothing was"
              + " changed",
          false);
    }
    ApiClient client = ctx.client(ApiClient.class);
    String inUse = client.getBasePath();
    if (!sameServer(inUse, cluster.endpoint())) {
      throw new ActionFailure(
          "the Kubernetes API server in use ("
              + inUse
              + ") is not EKS cluster "
              + name
              + "'s ("
              + cluster.endpoint()
              + "); nothing was changed. Point KUBECONFIG at the cluster (aws eks"
              + " update-kubeconfig --name "
              + name
              + ") or log in with --eks-login",
          false);
    }
    List<String> lines = new ArrayList<>();
    lines.add("API server " + inUse + " is EKS cluster " + name + "'s (" + cluster.arn() + ")");
    Map<String, String> tags = cluster.tags() == null ? Map.of() : cluster.tags();
    if (params.optInChecked()) {
      if (!OPT_IN_VALUE.equals(tags.get(OPT_IN_TAG))) {
        throw new ActionFailure(
            "EKS cluster "
                + name
                + " is not opted in: it needs the tag "
                + OPT_IN_TAG
                + "="
                + OPT_IN_VALUE
                + " (or run with --force); nothing was changed",
            false);
      }
      lines.add("opted in: tag " + OPT_IN_TAG + "=" + OPT_IN_VALUE);
    } else if (Boolean.TRUE.equals(params.force())) {
      lines.add(
          "opt-in not checked (force); tag "
              + OPT_IN_TAG
              + (tags.containsKey(OPT_IN_TAG) ? "=" + tags.get(OPT_IN_TAG) : " absent"));
    }
    List<String> unsupported = AddOnVersions.unsupported(AddOnVersions.survey(ctx));
    if (!unsupported.isEmpty()) {
      throw new ActionFailure(
          String.join("; ", unsupported)
              + "; its objects would be left running, so nothing was changed",
          false);
    }
    List<NodeGroupSurvey.Group> groups = IdleGroups.await(params, ctx, cluster, mayWait, lines);
    List<String> nodegroups = new ArrayList<>();
    for (NodeGroupSurvey.Group g : groups) {
      nodegroups.add(g.name());
      lines.add(
          "will touch: "
              + (g.managed() ? "managed node group " : "self-managed Auto Scaling group ")
              + g.name()
              + " (min/desired/max "
              + g.sizes()
              + ")");
    }
    V1NodeList nodes =
        KubeCalls.call(
            ctx, "listing nodes", () -> new CoreV1Api(client).listNode().limit(500).execute());
    // Fargate's virtual nodes belong to no node group: a stop never touches them.
    int nodeCount =
        (int)
            ClusterView.of(ctx).nodes(nodes.getItems()).stream()
                .filter(
                    n ->
                        n.getMetadata().getLabels() == null
                            || !"fargate"
                                .equals(
                                    n.getMetadata()
                                        .getLabels()
                                        .get("eks.amazonaws.com/compute-type")))
                .count();
    lines.add(
        "will touch: "
            + nodeCount
            + (nodes.getMetadata() != null && nodes.getMetadata().getContinue() != null ? "+" : "")
            + " nodes");
    SleepSurvey.Result survey =
        SleepSurvey.take(new SleepWorkloads.Params(null, null, null, false, null, null, null), ctx);
    if (survey.cycle().isPresent()) {
      throw new ActionFailure(
          "the workload dependency graph has a cycle: "
              + survey.cycle().get()
              + "; nothing was changed",
          false);
    }
    int workloads = survey.workloads();
    lines.add(
        "will touch: "
            + workloads
            + " workloads outside the default exclusions ("
            + survey.excluded().size()
            + " left running)");
    return new Findings(cluster.endpoint(), lines, nodegroups, nodeCount, workloads);
  }

  /** True when both URLs name the same scheme, host and port (the path does not matter). */
  static boolean sameServer(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    try {
      URI x = URI.create(a.trim());
      URI y = URI.create(b.trim());
      return scheme(x).equals(scheme(y)) && host(x).equals(host(y)) && port(x) == port(y);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String scheme(URI u) {
    return u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
  }

  private static String host(URI u) {
    return u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
  }

  private static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return "http".equals(scheme(u)) ? 80 : 443;
  }

  /** One read-only AWS call, throttling and 5xx retried for up to two minutes. */
  static <T> T aws(ActionContext ctx, String what, Supplier<T> call)
      throws ActionFailure, InterruptedException {
    return AwsCalls.call(ctx, what, ctx.clock().instant().plus(AWS_PATIENCE), call);
  }
}
