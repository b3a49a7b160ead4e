package io.eksscheduler.actions.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads, patches and deletes objects as JSON through bounded calls: custom resources through the
 * generic {@link CustomObjectsApi}, Deployments through {@link AppsV1Api}. A 404 on a list means
 * the API server does not serve that kind (its CRD is not installed): nothing of that kind here.
 */
public final class ClusterObjects {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 500;

  private final ActionContext ctx;
  private final ApiClient client;
  private final CustomObjectsApi custom;
  private final AppsV1Api apps;

  public ClusterObjects(ActionContext ctx, ApiClient client) {
    this.ctx = ctx;
    this.client = client;
    this.custom = new CustomObjectsApi(client);
    this.apps = new AppsV1Api(client);
  }

  /**
   * The objects of {@code type} in {@code namespace} (null: all namespaces, or cluster-scoped)
   * matching {@code labelSelector} (null: all), page by page; empty when the kind is not served.
   */
  public Optional<List<ClusterObject>> list(
      ResourceType type, String namespace, String labelSelector)
      throws ActionFailure, InterruptedException {
    List<ClusterObject> out = new ArrayList<>();
    String next = null;
    do {
      String page = next;
      JsonNode list;
      try {
        list =
            KubeCalls.call(
                ctx,
                "listing " + type.resource() + (namespace == null ? "" : " in " + namespace),
                () ->
                    json(
                        namespace == null
                            ? custom
                                .listClusterCustomObject(
                                    type.group(), type.version(), type.plural())
                                .labelSelector(labelSelector)
                                .limit(PAGE)
                                ._continue(page)
                                .buildCall(null)
                            : custom
                                .listNamespacedCustomObject(
                                    type.group(), type.version(), namespace, type.plural())
                                .labelSelector(labelSelector)
                                .limit(PAGE)
                                ._continue(page)
                                .buildCall(null)));
      } catch (ActionFailure e) {
        if (notFound(e)) {
          return Optional.empty();
        }
        throw e;
      }
      for (JsonNode item : list.path("items")) {
        out.add(new ClusterObject(type, item));
      }
      JsonNode cont = list.path("metadata").path("continue");
      next = cont.isTextual() && !cont.asText().isEmpty() ? cont.asText() : null;
    } while (next != null);
    return Optional.of(out);
  }

  /**
   * The object now; empty when it (or its kind) is gone. It is listed by name rather than read with
   * a get, so the actions need only the list verb they use anyway (the role stays exact).
   */
  public Optional<ClusterObject> read(ResourceType type, String namespace, String name)
      throws ActionFailure, InterruptedException {
    try {
      JsonNode item =
          KubeCalls.call(
                  ctx,
                  "reading "
                      + type.kind()
                      + " "
                      + (namespace == null ? "" : namespace + "/")
                      + name,
                  () -> json(listByName(type, namespace, name)))
              .path("items")
              .path(0);
      return item.isObject() ? Optional.of(new ClusterObject(type, item)) : Optional.empty();
    } catch (ActionFailure e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Applies a JSON merge patch; a plain patch call would be answered 415. */
  public void patch(ClusterObject o, String body, String what)
      throws ActionFailure, InterruptedException {
    V1Patch patch = new V1Patch(body);
    ResourceType t = o.type();
    String ns = o.namespace();
    String merge = V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH;
    KubeCalls.call(
        ctx,
        what,
        () -> {
          if (t.equals(ResourceType.DEPLOYMENT)) {
            return PatchUtils.patch(
                V1Deployment.class,
                () -> apps.patchNamespacedDeployment(o.name(), ns, patch).buildCall(null),
                merge,
                client);
          }
          return PatchUtils.patch(
              Object.class,
              () ->
                  ns == null
                      ? custom
                          .patchClusterCustomObject(
                              t.group(), t.version(), t.plural(), o.name(), patch)
                          .buildCall(null)
                      : custom
                          .patchNamespacedCustomObject(
                              t.group(), t.version(), ns, t.plural(), o.name(), patch)
                          .buildCall(null),
              merge,
              client);
        });
  }

  /** Deletes a cluster-scoped custom object; one already gone counts as deleted. */
  public void delete(ClusterObject o) throws ActionFailure, InterruptedException {
    ResourceType t = o.type();
    try {
      KubeCalls.call(
          ctx,
          "deleting " + o.id(),
          () -> {
            KubeCalls.executeRaw(
                custom
                    .deleteClusterCustomObject(t.group(), t.version(), t.plural(), o.name())
                    .buildCall(null));
            return null;
          });
    } catch (ActionFailure e) {
      if (!notFound(e)) {
        throw e;
      }
    }
  }

  public static boolean notFound(ActionFailure e) {
    return e.getCause() instanceof ApiException api && api.getCode() == 404;
  }

  public static boolean conflict(ActionFailure e) {
    return e.getCause() instanceof ApiException api && api.getCode() == 409;
  }

  private okhttp3.Call listByName(ResourceType type, String namespace, String name)
      throws ApiException {
    String field = "metadata.name=" + name;
    return namespace == null
        ? custom
            .listClusterCustomObject(type.group(), type.version(), type.plural())
            .fieldSelector(field)
            .buildCall(null)
        : custom
            .listNamespacedCustomObject(type.group(), type.version(), namespace, type.plural())
            .fieldSelector(field)
            .buildCall(null);
  }

  /**
   * Executes a call and reads its body with Jackson: the client's Gson would turn every number of a
   * generic object into a double, and what is recorded must be exactly what was stored.
   */
  private static JsonNode json(okhttp3.Call call) throws ApiException {
    try (okhttp3.Response response = call.execute()) {
      String body = response.body() == null ? "" : response.body().string();
      if (!response.isSuccessful()) {
        throw new ApiException(response.code(), response.headers().toMultimap(), body);
      }
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiException(e);
    }
  }
}
