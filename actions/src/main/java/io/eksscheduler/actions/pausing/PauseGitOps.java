package io.eksscheduler.actions.pausing;

import io.eksscheduler.actions.kube.ClusterObjects;
import io.eksscheduler.actions.pausing.Pausing.Target;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stops GitOps controllers from undoing a hibernation: removes automated sync from Argo CD
 * Applications and suspends Flux Kustomizations and HelmReleases, recording each original in the
 * ledger and on the object (annotation {@code eks-scheduler.io/original}) before the change, so
 * {@code gitops.resume} restores exactly what was there.
 */
public final class PauseGitOps implements Action<PauseGitOps.Params> {

  /**
   * The parameters of {@code gitops.pause}.
   *
   * @param namespaces the namespaces the GitOps objects live in (default all)
   * @param managing only the objects managing workloads in these namespaces (default all)
   */
  public record Params(List<String> namespaces, List<String> managing) {}

  @Override
  public String name() {
    return "gitops.pause";
  }

  @Override
  public String description() {
    return "Removes automated sync from Argo CD Applications and suspends Flux Kustomizations and"
        + " HelmReleases, recording each original in the ledger and on the object first.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/gitops.pause.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec(
            "paused", ValueType.ARRAY, "the GitOps objects paused, as \"Kind ns/name\""));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    List<String> changes = new ArrayList<>();
    List<String> paused = new ArrayList<>();
    for (Target t : find(params, ctx)) {
      changes.add(Pausing.planPause(t));
      paused.add(t.id());
    }
    return new Plan(changes, Map.of("paused", paused));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    ClusterObjects objects = new ClusterObjects(ctx, ctx.client(ApiClient.class));
    List<Target> targets = find(params, ctx);
    List<String> paused = new ArrayList<>();
    for (Target t : targets) {
      Pausing.pause(ctx, objects, t);
      paused.add(t.id());
      ctx.log("paused " + t.id());
    }
    return Outputs.of("paused", paused);
  }

  private static List<Target> find(Params params, ActionContext ctx) throws Exception {
    List<Target> targets =
        GitOpsObjects.find(
            new ClusterObjects(ctx, ctx.client(ApiClient.class)),
            params.namespaces(),
            params.managing());
    for (Target t : targets) {
      t.recorded(); // an unreadable original fails the step before any change
    }
    return targets;
  }
}
