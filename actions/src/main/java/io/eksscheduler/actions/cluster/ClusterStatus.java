package io.eksscheduler.actions.cluster;

import io.eksscheduler.actions.nodegroups.NodeGroupSurvey;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.Group;
import io.eksscheduler.actions.workloads.RecordedOriginals;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Says whether a cluster is asleep, since when and by which run, and what originals are recorded,
 * from the cluster itself: the tags a stop wrote on the node groups and the annotations on the
 * workloads. Read-only; {@code eks-scheduler status} shows it.
 */
public final class ClusterStatus implements Action<ClusterStatus.Params> {
  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  /**
   * The parameters of {@code cluster.status}.
   *
   * @param cluster the EKS cluster's name
   */
  public record Params(String cluster) {}

  @Override
  public String name() {
    return "cluster.status";
  }

  @Override
  public String description() {
    return "Read-only: whether the cluster is asleep, since when, by which run, and the originals"
        + " recorded on its node groups and workloads.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/cluster.status.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("asleep", ValueType.BOOLEAN, "true when a stop's originals are recorded"),
        new OutputSpec("runs", ValueType.ARRAY, "the runs that recorded them"),
        new OutputSpec(
            "since", ValueType.STRING, "when the earliest such run started, if its id tells"),
        new OutputSpec("originals", ValueType.ARRAY, "each recorded original, one line each"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    Outputs o = read(params, ctx);
    List<String> lines = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<String> originals = (List<String>) o.values().get("originals");
    @SuppressWarnings("unchecked")
    List<String> runs = (List<String>) o.values().get("runs");
    lines.add(
        Boolean.TRUE.equals(o.values().get("asleep"))
            ? "asleep since " + o.values().get("since") + ", by run " + String.join(", ", runs)
            : "awake: no original recorded on its node groups or workloads");
    originals.forEach(l -> lines.add("recorded: " + l));
    return new Plan(lines, o.values())
        .withInexact(inexact(runs, ctx.runId(), !ctx.predicted().isEmpty()));
  }

  /**
   * The outputs of a plan that may differ from the run's: those that carry the originals the
   * earlier steps of this dry-run would record, which name this preview's run id (a run chooses its
   * own when it starts).
   *
   * @param runs the runs the plan found originals of
   * @param runId this preview's run id
   * @param predicted the earlier steps of the dry-run predicted effects
   */
  static Map<String, String> inexact(List<String> runs, String runId, boolean predicted) {
    if (!predicted || !runs.contains(runId)) {
      return Map.of();
    }
    String why =
        "holds originals the earlier steps would record, with this preview's run id "
            + runId
            + "; the run's id is chosen when it starts";
    return Map.of("runs", why, "since", why, "originals", why);
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    return read(params, ctx);
  }

  private static Outputs read(Params params, ActionContext ctx)
      throws ActionFailure, InterruptedException {
    Instant until = ctx.clock().instant().plus(Duration.ofMinutes(2));
    List<String> originals = new ArrayList<>();
    TreeSet<String> runs = new TreeSet<>();
    for (Group g : NodeGroupSurvey.take(ctx, params.cluster(), until)) {
      g.tagged()
          .ifPresent(
              o -> {
                runs.add(o.run());
                originals.add(
                    g.id()
                        + ": min/desired/max "
                        + o.sizes()
                        + (o.suspended() == null || o.suspended().isEmpty()
                            ? ""
                            : ", processes suspended by the stop " + o.suspended())
                        + " (now "
                        + g.sizes()
                        + ", run "
                        + o.run()
                        + ")");
              });
    }
    for (RecordedOriginals.Entry e : RecordedOriginals.onWorkloads(ctx)) {
      runs.add(e.run());
      originals.add(e.object() + ": " + e.value() + " (run " + e.run() + ")");
    }
    runs.remove("");
    String since =
        runs.stream()
            .map(ClusterStatus::startedAt)
            .flatMap(Optional::stream)
            .min(Instant::compareTo)
            .map(Instant::toString)
            .orElse(runs.isEmpty() ? "" : "unknown (the run ids do not tell)");
    return Outputs.of(
        "asleep",
        !originals.isEmpty(),
        "since",
        since,
        "runs",
        List.copyOf(runs),
        "originals",
        originals);
  }

  /** The start time in a default run id ({@code 20261124T201740Z-6bd9d0}), if it is one. */
  static Optional<Instant> startedAt(String runId) {
    if (runId == null || runId.length() < 16 || runId.charAt(15) != 'Z') {
      return Optional.empty();
    }
    try {
      return Optional.of(
          LocalDateTime.parse(runId.substring(0, 15), RUN_TIME).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
