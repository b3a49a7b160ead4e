package io.eksscheduler.sandbox.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.Discovery;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies manifests of any kind with server-side apply, finding each kind's resource through API
 * discovery (refreshed once when a kind is unknown, e.g. right after its CRD was created). Applying
 * twice is harmless, so a reused sandbox can be re-applied.
 */
public final class ManifestApplier {

  /** The field manager recorded on everything the sandbox applies. */
  public static final String FIELD_MANAGER = "eks-sandbox";

  private final ApiClient client;
  private final ObjectMapper json = new ObjectMapper();
  private Map<String, Discovery.APIResource> resources = new HashMap<>();

  public ManifestApplier(ApiClient client) {
    this.client = client;
  }

  /** Applies {@code manifest} (a parsed YAML mapping). */
  public void apply(Map<String, Object> manifest) {
    ObjectRef ref = ObjectRef.of(manifest);
    Discovery.APIResource resource =
        find(ref)
            .or(
                () -> {
                  refreshDiscovery();
                  return find(ref);
                })
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "applying "
                            + ref
                            + ": the API server serves no kind "
                            + ref.kind()
                            + " in "
                            + ref.apiVersion()));
    DynamicKubernetesApi api =
        new DynamicKubernetesApi(
            resource.getGroup(), ref.version(), resource.getResourcePlural(), client);
    String body;
    try {
      body = json.writeValueAsString(manifest);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "applying " + ref + ": not JSON-serialisable: " + e.getMessage(), e);
    }
    PatchOptions options = new PatchOptions().fieldManager(FIELD_MANAGER).force(true);
    KubernetesApiResponse<DynamicKubernetesObject> response =
        Boolean.TRUE.equals(resource.getNamespaced())
            ? api.patch(
                ref.namespaceOrDefault(),
                ref.name(),
                V1Patch.PATCH_FORMAT_APPLY_YAML,
                new V1Patch(body),
                options)
            : api.patch(ref.name(), V1Patch.PATCH_FORMAT_APPLY_YAML, new V1Patch(body), options);
    if (!response.isSuccess()) {
      String message =
          response.getStatus() == null
              ? "HTTP " + response.getHttpStatusCode()
              : response.getStatus().getMessage();
      throw new IllegalStateException("applying " + ref + ": " + message);
    }
  }

  /** Applies every manifest in order. */
  public void applyAll(List<Map<String, Object>> manifests) {
    manifests.forEach(this::apply);
  }

  private Optional<Discovery.APIResource> find(ObjectRef ref) {
    if (resources.isEmpty()) {
      refreshDiscovery();
    }
    return Optional.ofNullable(resources.get(ref.group() + "/" + ref.version() + "/" + ref.kind()));
  }

  private void refreshDiscovery() {
    Map<String, Discovery.APIResource> found = new HashMap<>();
    try {
      for (Discovery.APIResource r : new Discovery(client).findAll()) {
        for (String version : r.getVersions()) {
          found.putIfAbsent(r.getGroup() + "/" + version + "/" + r.getKind(), r);
        }
      }
    } catch (ApiException e) {
      throw new IllegalStateException(
          "API discovery failed: HTTP " + e.getCode() + " " + e.getResponseBody(), e);
    }
    resources = found;
  }
}
