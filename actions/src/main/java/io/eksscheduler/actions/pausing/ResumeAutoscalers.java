package io.eksscheduler.actions.pausing;

import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ClusterObjects;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.actions.pausing.Pausing.Target;
import io.eksscheduler.actions.workloads.ReplicaSetOriginals;
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
 * Lets autoscalers add capacity again after a wake: restores exactly the replicas of the
 * cluster-autoscaler Deployment, the {@code spec.limits} of each dynamic Karpenter NodePool and the
 * {@code spec.replicas} of each static one, and the {@code autoscaling.keda.sh/paused-replicas}
 * annotation of each KEDA ScaledObject that {@code autoscaler.pause} recorded, and removes its
 * annotation.
 */
public final class ResumeAutoscalers implements Action<ResumeAutoscalers.Params> {

  /**
   * The parameters of {@code autoscaler.resume}.
   *
   * @param clusterAutoscaler restore the cluster-autoscaler Deployment (default true)
   * @param deployment where that Deployment is (default kube-system/cluster-autoscaler)
   * @param karpenter restore Karpenter NodePools (default true)
   * @param nodePools only these NodePools (default all)
   * @param keda restore KEDA ScaledObjects (default true)
   * @param namespaces the namespaces of the ScaledObjects (default all)
   */
  public record Params(
      Boolean clusterAutoscaler,
      PauseAutoscalers.Deployment deployment,
      Boolean karpenter,
      List<String> nodePools,
      Boolean keda,
      List<String> namespaces) {

    AutoscalerObjects.Scope scope() {
      return AutoscalerObjects.Scope.of(
          clusterAutoscaler, karpenter, keda, deployment, nodePools, namespaces);
    }
  }

  @Override
  public String name() {
    return "autoscaler.resume";
  }

  @Override
  public String description() {
    return "Restores the cluster-autoscaler's replicas, Karpenter NodePool limits (or a static"
        + " NodePool's replicas) and KEDA"
        + " ScaledObjects that autoscaler.pause recorded, removing its annotation.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/autoscaler.resume.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("resumed", ValueType.ARRAY, "the objects restored, as \"Kind ns/name\""));
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
      ClusterObject o = t.object();
      if (o.type().equals(ResourceType.DEPLOYMENT)) {
        ReplicaSetOriginals.remove(ctx, ctx.client(ApiClient.class), o.namespace(), o.name());
      }
    }
    return Outputs.of("resumed", Pausing.recordedIds(ctx));
  }

  private static PauseDecision decide(Params params, ClusterObjects objects) throws Exception {
    AutoscalerObjects.Scope scope = params.scope();
    return PauseDecision.resume(
        AutoscalerObjects.find(objects, scope), AutoscalerObjects.selection(scope));
  }
}
