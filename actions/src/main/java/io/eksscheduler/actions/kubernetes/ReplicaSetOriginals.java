package io.eksscheduler.actions.kubernetes;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.util.PatchUtils;

/** The stop's annotation as the Deployment controller copied it onto ReplicaSets. */
final class ReplicaSetOriginals {
  private ReplicaSetOriginals() {}

  /**
   * Removes the original from the Deployment's ReplicaSets: the Deployment controller copies a
   * Deployment's annotations to its ReplicaSet, and never removes one the Deployment lost, so the
   * stop's annotation would outlive the wake there. Called for every Deployment a wake restores,
   * also one found already restored when a resume gets here.
   */
  static void remove(ActionContext ctx, ApiClient client, String ns, String deployment)
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
      String name = meta.getName();
      V1Patch patch =
          new V1Patch("{\"metadata\":{\"annotations\":{\"" + Originals.ANNOTATION + "\":null}}}");
      try {
        KubeCalls.call(
            ctx,
            "removing " + Originals.ANNOTATION + " from ReplicaSet " + ns + "/" + name,
            () ->
                PatchUtils.patch(
                    V1ReplicaSet.class,
                    () -> apps.patchNamespacedReplicaSet(name, ns, patch).buildCall(null),
                    V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                    client));
        ctx.changed();
      } catch (ActionFailure e) {
        if (!(e.getCause() instanceof ApiException api && api.getCode() == 404)) {
          throw e;
        }
      }
    }
  }
}
