package io.eksscheduler.actions.pausing;

import io.eksscheduler.actions.kube.ClusterObjects;
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
    PauseDecision d = decide(params, new ClusterObjects(ctx, ctx.client(ApiClient.class)));
    return new Plan(d.changes(), Map.of("paused", d.ids())).withUnchanged(d.unchanged());
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    ClusterObjects objects = new ClusterObjects(ctx, ctx.client(ApiClient.class));
    List<String> paused = new ArrayList<>();
    for (PauseDecision.Entry e : decide(params, objects).entries()) {
      Pausing.pause(ctx, objects, e.target());
      paused.add(e.target().id());
      ctx.log("paused " + e.target().id());
    }
    return Outputs.of("paused", paused);
  }

  private static PauseDecision decide(Params params, ClusterObjects objects) throws Exception {
    return PauseDecision.pause(
        GitOpsObjects.find(objects, params.namespaces()),
        GitOpsObjects.selection(params.managing()));
  }
}
