package io.eksscheduler.actions.pausing;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ClusterObjects;
import io.eksscheduler.actions.kube.PodsGone;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.actions.pausing.PausedField.FieldOriginal;
import io.eksscheduler.actions.pausing.Pausing.Target;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stops autoscalers from adding capacity back during a hibernation: scales the cluster-autoscaler
 * Deployment to 0, sets each dynamic Karpenter NodePool's {@code spec.limits} to {@code {cpu: "0",
 * memory: "0"}} and deletes its NodeClaims (limits alone never remove nodes), sets each static
 * NodePool's {@code spec.replicas} to 0 (Karpenter removes its nodes), and pauses KEDA
 * ScaledObjects at 0 replicas, recording each original in the ledger and on the object first.
 */
public final class PauseAutoscalers implements Action<PauseAutoscalers.Params> {

  /**
   * The parameters of {@code autoscaler.pause}.
   *
   * @param clusterAutoscaler scale the cluster-autoscaler Deployment to 0 (default true)
   * @param deployment where that Deployment is (default kube-system/cluster-autoscaler)
   * @param karpenter pause Karpenter NodePools and delete their NodeClaims (default true)
   * @param nodePools only these NodePools (default all)
   * @param keda pause KEDA ScaledObjects (default true)
   * @param namespaces the namespaces of the ScaledObjects (default all)
   */
  public record Params(
      Boolean clusterAutoscaler,
      Deployment deployment,
      Boolean karpenter,
      List<String> nodePools,
      Boolean keda,
      List<String> namespaces) {

    AutoscalerObjects.Scope scope() {
      return AutoscalerObjects.Scope.of(
          clusterAutoscaler, karpenter, keda, deployment, nodePools, namespaces);
    }
  }

  /**
   * Where the cluster-autoscaler Deployment is.
   *
   * @param namespace its namespace (default kube-system)
   * @param name its name (default cluster-autoscaler)
   */
  public record Deployment(String namespace, String name) {}

  @Override
  public String name() {
    return "autoscaler.pause";
  }

  @Override
  public String description() {
    return "Scales the cluster-autoscaler to 0, sets Karpenter NodePool limits to 0 and deletes"
        + " their NodeClaims (a static NodePool's replicas to 0), and pauses KEDA ScaledObjects,"
        + " recording each original first.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/autoscaler.pause.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("paused", ValueType.ARRAY, "the objects paused, as \"Kind ns/name\""),
        new OutputSpec(
            "deletedNodeClaims", ValueType.ARRAY, "the NodeClaims deleted, as \"NodeClaim name\""));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) throws Exception {
    ClusterObjects objects = new ClusterObjects(ctx, ctx.client(ApiClient.class));
    List<String> changes = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    PauseDecision d = decide(params, objects);
    for (PauseDecision.Entry e : d.entries()) {
      Target t = e.target();
      if (!e.unchanged()) {
        changes.add(e.line());
      }
      if (AutoscalerObjects.deletesNodeClaims(t)) {
        for (ClusterObject claim : AutoscalerObjects.nodeClaims(objects, t.object())) {
          changes.add(t.id() + ": delete " + claim.id());
          deleted.add(claim.id());
        }
      }
    }
    return new Plan(changes, Map.of("paused", d.ids(), "deletedNodeClaims", deleted))
        .withUnchanged(d.unchanged())
        .withEffects(effects(d, ctx.client(ApiClient.class), ctx.runId()));
  }

  /**
   * What the step leaves for the steps after it: the cluster-autoscaler Deployment at 0 with its
   * original marked, and its pods gone (apply waits for them).
   */
  static List<ClusterEffect> effects(PauseDecision d, ApiClient client, String run)
      throws ActionFailure {
    List<ClusterEffect> out = new ArrayList<>();
    for (PauseDecision.Entry e : d.entries()) {
      ClusterObject o = e.target().object();
      if (!o.type().equals(ResourceType.DEPLOYMENT)) {
        continue;
      }
      FieldOriginal original = e.recorded().orElseGet(() -> e.target().field().original(o, run));
      out.add(
          new ClusterEffect.Scaled(
              new ClusterEffect.Ref("Deployment", o.namespace(), o.name()),
              0,
              ClusterEffect.Marker.set(e.target().field().format(original))));
      selector(client, o)
          .ifPresent(s -> out.add(new ClusterEffect.PodsGone(o.namespace(), s, o.id())));
    }
    return out;
  }

  /** A Deployment's pod selector, empty without one. */
  private static Optional<V1LabelSelector> selector(ApiClient client, ClusterObject o) {
    if (!o.json().path("spec").has("selector")) {
      return Optional.empty();
    }
    return Optional.of(
        client
            .getJSON()
            .deserialize(o.json().path("spec").path("selector").toString(), V1LabelSelector.class));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    ApiClient client = ctx.client(ApiClient.class);
    ClusterObjects objects = new ClusterObjects(ctx, client);
    List<String> paused = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    List<PodsGone.Owner> stopping = new ArrayList<>();
    for (PauseDecision.Entry e : decide(params, objects).entries()) {
      Target t = e.target();
      Pausing.pause(ctx, objects, t);
      paused.add(t.id());
      ctx.log("paused " + t.id());
      ClusterObject o = t.object();
      if (o.type().equals(ResourceType.DEPLOYMENT)) {
        selector(client, o)
            .ifPresent(s -> stopping.add(new PodsGone.Owner(o.namespace(), s, o.id())));
      }
      if (AutoscalerObjects.deletesNodeClaims(t)) {
        // Only after the limits are 0, or Karpenter would launch replacements at once; deleting
        // is not undone: the NodePool launches capacity again once its limits are restored.
        for (ClusterObject claim : AutoscalerObjects.nodeClaims(objects, t.object())) {
          objects.delete(claim);
          ctx.changed();
          deleted.add(claim.id());
          ctx.log("deleted " + claim.id() + " of " + t.id());
        }
      }
    }
    // The cluster-autoscaler stopped, not only told to: nothing scales out behind the drain.
    PodsGone.await(ctx, new CoreV1Api(client), stopping);
    return Outputs.of("paused", paused, "deletedNodeClaims", deleted);
  }

  private static PauseDecision decide(Params params, ClusterObjects objects) throws Exception {
    AutoscalerObjects.Scope scope = params.scope();
    return PauseDecision.pause(
        AutoscalerObjects.find(objects, scope), AutoscalerObjects.selection(scope));
  }
}
