package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.AnnotationPatch;
import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ReplicaSet;

/** The stop's annotation as the Deployment controller copied it onto ReplicaSets. */
public final class ReplicaSetOriginals {
  private ReplicaSetOriginals() {}

  /**
   * Removes the original from the Deployment's ReplicaSets: the Deployment controller copies a
   * Deployment's annotations to its ReplicaSet, and never removes one the Deployment lost, so the
   * stop's annotation would outlive the wake there. Called for every Deployment a wake restores,
   * also one found already restored when a resume gets here.
   */
  public static void remove(ActionContext ctx, ApiClient client, String ns, String deployment)
      throws ActionFailure, InterruptedException {
    AppsV1Api apps = new AppsV1Api(client);
    for (V1ReplicaSet rs :
        KubeCalls.call(
                ctx,
                "listing the ReplicaSets of Deployment " + ns + "/" + deployment,
                () -> apps.listNamespacedReplicaSet(ns).execute())
            .getItems()) {
      V1ObjectMeta meta = rs.getMetadata();
      boolean owned =
          meta.getOwnerReferences() != null
              && meta.getOwnerReferences().stream()
                  .anyMatch(
                      o -> "Deployment".equals(o.getKind()) && deployment.equals(o.getName()));
      if (!owned
          || meta.getAnnotations() == null
          || !meta.getAnnotations().containsKey(Originals.ANNOTATION)) {
        continue;
      }
      try {
        AnnotationPatch.replicaSet(ctx, client, ns, meta.getName(), Originals.ANNOTATION, null);
        ctx.changed();
      } catch (ActionFailure e) {
        if (!(e.getCause() instanceof ApiException api && api.getCode() == 404)) {
          throw e;
        }
      }
    }
  }
}
