package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/**
 * The namespace the store keeps its objects in: read once (as a list by name, the verb the
 * hibernate role has anyway), created when missing and the identity may create namespaces,
 * otherwise a {@link StoreSetupException} that says what to apply.
 */
final class StoreNamespace {
  private final KubeRest rest;
  private final String name;
  private volatile Boolean exists;

  StoreNamespace(KubeRest rest, String name) {
    this.rest = rest;
    this.name = name;
  }

  String name() {
    return name;
  }

  /** Whether the namespace exists (read once, then remembered). */
  boolean exists() throws IOException {
    Boolean known = exists;
    if (known != null) {
      return known;
    }
    KubeRest.Answer list =
        rest.get("/api/v1/namespaces", Map.of("fieldSelector", "metadata.name=" + name));
    if (!list.ok()) {
      throw new IOException(
          "listing namespace " + name + " on " + rest.server() + ": " + list.message());
    }
    boolean found = false;
    for (JsonNode item : list.body().path("items")) {
      found |= name.equals(item.path("metadata").path("name").asText());
    }
    exists = found;
    return found;
  }

  /** The namespace's labels, or those it will be created with. */
  Map<String, String> labels() throws IOException {
    KubeRest.Answer list =
        rest.get("/api/v1/namespaces", Map.of("fieldSelector", "metadata.name=" + name));
    for (JsonNode item : list.body().path("items")) {
      Map<String, String> labels = new java.util.TreeMap<>();
      item.path("metadata")
          .path("labels")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      return labels;
    }
    return Map.of("kubernetes.io/metadata.name", name, StoreNames.MANAGED_BY, StoreNames.MANAGER);
  }

  /** Makes sure the namespace exists before the first write. */
  void ensure() throws IOException {
    if (exists()) {
      return;
    }
    KubeRest.Answer created =
        rest.post(
            "/api/v1/namespaces",
            Map.of(
                "apiVersion", "v1",
                "kind", "Namespace",
                "metadata",
                    Map.of(
                        "name",
                        name,
                        "labels",
                        Map.of(StoreNames.MANAGED_BY, StoreNames.MANAGER))));
    if (created.ok() || created.code() == 409) {
      exists = true;
      return;
    }
    if (created.code() == 403) {
      throw new StoreSetupException(
          "the run store's namespace "
              + name
              + " does not exist on "
              + rest.server()
              + " and this identity may not create it ("
              + created.message()
              + "); create it with its Role: kubectl apply -f deploy/rbac.yaml (namespace "
              + "eks-scheduler), or keep runs on this machine: --state dir");
    }
    throw new IOException("creating namespace " + name + ": " + created.message());
  }
}
