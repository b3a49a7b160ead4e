package io.eksscheduler.actions.cluster;

import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.ApisApi;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1APIGroup;
import io.kubernetes.client.openapi.models.V1APIResource;
import io.kubernetes.client.openapi.models.V1GroupVersionForDiscovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the add-on kinds the cluster serves only at a version the actions do not use (Karpenter's
 * v1beta1 NodePool, Flux's v2beta2 HelmRelease): the actions read each kind at one version and a
 * kind not served there looks "not installed", so its objects would be left running unnoticed. The
 * preflight refuses such a cluster by name instead. Read through API discovery, which every
 * authenticated user may read.
 */
final class AddOnVersions {
  private AddOnVersions() {}

  /**
   * The versions at which the cluster serves each add-on kind; a kind it does not serve at all is
   * absent.
   */
  static Map<ResourceType, Set<String>> survey(ActionContext ctx)
      throws ActionFailure, InterruptedException {
    ApiClient client = ctx.client(ApiClient.class);
    Set<String> groups = new TreeSet<>();
    ResourceType.ADD_ONS.forEach(t -> groups.add(t.group()));
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (V1APIGroup g :
        KubeCalls.call(
                ctx, "discovering API groups", () -> new ApisApi(client).getAPIVersions().execute())
            .getGroups()) {
      if (groups.contains(g.getName())) {
        versions.put(
            g.getName(),
            g.getVersions().stream().map(V1GroupVersionForDiscovery::getVersion).toList());
      }
    }
    Map<ResourceType, Set<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : versions.entrySet()) {
      for (String version : e.getValue()) {
        String gv = e.getKey() + "/" + version;
        List<V1APIResource> resources =
            KubeCalls.call(
                    ctx,
                    "discovering the resources of " + gv,
                    () ->
                        new CustomObjectsApi(client).getAPIResources(e.getKey(), version).execute())
                .getResources();
        for (ResourceType t : ResourceType.ADD_ONS) {
          if (t.group().equals(e.getKey())
              && resources.stream().anyMatch(r -> t.plural().equals(r.getName()))) {
            out.computeIfAbsent(t, k -> new TreeSet<>()).add(version);
          }
        }
      }
    }
    return out;
  }

  /**
   * One line per add-on kind served, but not at the version the actions use; empty when each kind
   * is either absent or served at that version.
   */
  static List<String> unsupported(Map<ResourceType, Set<String>> served) {
    List<String> out = new ArrayList<>();
    for (ResourceType t : ResourceType.ADD_ONS) {
      Set<String> versions = new TreeSet<>(served.getOrDefault(t, Set.of()));
      if (!versions.isEmpty() && !versions.contains(t.version())) {
        out.add(
            t.kind()
                + " ("
                + t.plural()
                + "."
                + t.group()
                + ") is served only at "
                + String.join(", ", versions.stream().map(v -> t.group() + "/" + v).toList())
                + ", and eks-scheduler reads it at "
                + t.group()
                + "/"
                + t.version()
                + ": upgrade the add-on so that it serves "
                + t.version());
      }
    }
    return out;
  }
}
