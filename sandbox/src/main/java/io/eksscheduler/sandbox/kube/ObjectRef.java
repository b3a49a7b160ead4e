package io.eksscheduler.sandbox.kube;

import java.util.Map;

/** Identifies a manifest for messages and lookups: {@code Kind ns/name (apiVersion)}. */
public record ObjectRef(String apiVersion, String kind, String namespace, String name) {

  /** Reads apiVersion, kind, metadata.namespace and metadata.name from a parsed manifest. */
  public static ObjectRef of(Map<String, Object> manifest) {
    Object metadata = manifest.get("metadata");
    String namespace = null;
    String name = null;
    if (metadata instanceof Map<?, ?> meta) {
      namespace = meta.get("namespace") == null ? null : String.valueOf(meta.get("namespace"));
      name = meta.get("name") == null ? null : String.valueOf(meta.get("name"));
    }
    return new ObjectRef(
        String.valueOf(manifest.get("apiVersion")),
        String.valueOf(manifest.get("kind")),
        namespace,
        name);
  }

  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  public String version() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  public String namespaceOrDefault() {
    return namespace == null ? "default" : namespace;
  }

  @Override
  public String toString() {
    return kind + " " + (namespace == null ? "" : namespace + "/") + name + " (" + apiVersion + ")";
  }
}
