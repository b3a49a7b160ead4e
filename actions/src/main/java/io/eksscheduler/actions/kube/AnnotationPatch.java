package io.eksscheduler.actions.kube;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.PatchUtils;

/**
 * One JSON merge patch of a single annotation on a ReplicaSet or StatefulSet: set to a value, or
 * removed with {@code null}. Nothing else of the object is sent, so a concurrent change of any
 * other field is not overwritten.
 */
public final class AnnotationPatch {
  private AnnotationPatch() {}

  /** Sets {@code key} on ReplicaSet ns/name to {@code value}, or removes it when null. */
  public static void replicaSet(
      ActionContext ctx, ApiClient client, String ns, String name, String key, String value)
      throws ActionFailure, InterruptedException {
    V1Patch patch = patch(key, value);
    AppsV1Api apps = new AppsV1Api(client);
    KubeCalls.call(
        ctx,
        describe(key, value, "ReplicaSet " + ns + "/" + name),
        () ->
            PatchUtils.patch(
                V1ReplicaSet.class,
                () -> apps.patchNamespacedReplicaSet(name, ns, patch).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                client));
  }

  /** Sets {@code key} on StatefulSet ns/name to {@code value}, or removes it when null. */
  public static void statefulSet(
      ActionContext ctx, ApiClient client, String ns, String name, String key, String value)
      throws ActionFailure, InterruptedException {
    V1Patch patch = patch(key, value);
    AppsV1Api apps = new AppsV1Api(client);
    KubeCalls.call(
        ctx,
        describe(key, value, "StatefulSet " + ns + "/" + name),
        () ->
            PatchUtils.patch(
                V1StatefulSet.class,
                () -> apps.patchNamespacedStatefulSet(name, ns, patch).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                client));
  }

  private static V1Patch patch(String key, String value) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("metadata").putObject("annotations").put(key, value); // null: removed
    return new V1Patch(body.toString());
  }

  private static String describe(String key, String value, String object) {
    return (value == null ? "removing " + key + " from " : "setting " + key + " on ") + object;
  }
}
