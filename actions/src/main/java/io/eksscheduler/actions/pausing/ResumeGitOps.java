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
import java.util.List;
import java.util.Map;

/**
 * Lets GitOps controllers sync again after a wake: restores exactly the automated sync of each Argo
 * CD Application and the {@code suspend} of each Flux Kustomization and HelmRelease that {@code
 * gitops.pause} recorded in the annotation {@code eks-scheduler.io/original}, and removes the
 * annotation, leaving each object as it was before the pause.
 */
public final class ResumeGitOps implements Action<ResumeGitOps.Params> {

  /**
   * The parameters of {@code gitops.resume}.
   *
   * @param namespaces the namespaces the GitOps objects live in (default all)
   * @param managing only the objects managing workloads in these namespaces (default all)
   */
  public record Params(List<String> namespaces, List<String> managing) {}

  @Override
  public String name() {
    return "gitops.resume";
  }

  @Override
  public String description() {
    return "Restores the automated sync of Argo CD Applications and the suspend of Flux"
        + " Kustomizations and HelmReleases that gitops.pause recorded, removing its annotation.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/gitops.resume.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec(
            "resumed", ValueType.ARRAY, "the GitOps objects restored, as \"Kind ns/name\""));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    PauseDecision d = decide(params, new ClusterObjects(ctx, ctx.client(ApiClient.class)));
    return new Plan(d.lines(), Map.of("resumed", Pausing.resumedIds(ctx, d)));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    ClusterObjects objects = new ClusterObjects(ctx, ctx.client(ApiClient.class));
    for (Target t : decide(params, objects).selected()) {
      if (Pausing.resume(ctx, objects, t)) {
        ctx.log("resumed " + t.id());
      }
    }
    return Outputs.of("resumed", Pausing.recordedIds(ctx));
  }

  private static PauseDecision decide(Params params, ClusterObjects objects) throws Exception {
    return PauseDecision.resume(
        GitOpsObjects.find(objects, params.namespaces()),
        GitOpsObjects.selection(params.managing()));
  }
}
