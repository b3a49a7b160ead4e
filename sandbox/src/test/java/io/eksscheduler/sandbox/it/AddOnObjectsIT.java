package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.scenario.ScenarioLoader;
import io.eksscheduler.sandbox.scenario.ScenarioValues;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dev scenario's add-on objects are stored as written: the upstream CRDs' structural schemas
 * would prune a field they do not know without a word, so every field of the scenario's NodePools,
 * ScaledObject, Application and Kustomization must be found on the stored object.
 */
@ExtendWith(SandboxExtension.class)
class AddOnObjectsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> GROUPS =
      Set.of("karpenter.sh", "keda.sh", "argoproj.io", "kustomize.toolkit.fluxcd.io");

  @Test
  void devsAddOnObjectsSurvivePruningUnchanged(TestSandbox sandbox) throws Exception {
    CustomObjectsApi custom = new CustomObjectsApi(sandbox.adminClient());
    List<String> pruned = new ArrayList<>();
    int checked = 0;
    for (Map<String, Object> m : ScenarioLoader.load("dev", ScenarioValues.PREVIEW).manifests()) {
      String[] gv = String.valueOf(m.get("apiVersion")).split("/", 2);
      if (gv.length < 2 || !GROUPS.contains(gv[0])) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = (Map<String, Object>) m.get("metadata");
      String name = String.valueOf(meta.get("name"));
      String plural = String.valueOf(m.get("kind")).toLowerCase() + "s";
      Object stored =
          meta.get("namespace") == null
              ? custom.getClusterCustomObject(gv[0], gv[1], plural, name).execute()
              : custom
                  .getNamespacedCustomObject(
                      gv[0], gv[1], String.valueOf(meta.get("namespace")), plural, name)
                  .execute();
      missing(
          m.get("kind") + " " + name,
          JSON.valueToTree(m.get("spec")),
          JSON.valueToTree(stored).path("spec"),
          "spec",
          pruned);
      checked++;
    }
    assertEquals(5, checked, "NodePools default and ingress, and one object of each other kind");
    assertEquals(List.of(), pruned, "fields of the scenario the API server pruned");
  }

  /** Adds to {@code out} each path of {@code written} that {@code stored} lacks or changed. */
  private static void missing(
      String id, JsonNode written, JsonNode stored, String path, List<String> out) {
    if (written.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = written.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        missing(id, e.getValue(), stored.path(e.getKey()), path + "." + e.getKey(), out);
      }
    } else if (written.isArray()) {
      for (int i = 0; i < written.size(); i++) {
        missing(id, written.get(i), stored.path(i), path + "[" + i + "]", out);
      }
    } else if (!same(written, stored)) {
      out.add(id + ": " + path + " written " + written + ", stored " + stored);
    }
  }

  /** Equal values; numbers by value, as the client reads every JSON number as a double. */
  private static boolean same(JsonNode written, JsonNode stored) {
    if (written.isNumber() && stored.isNumber()) {
      return written.decimalValue().compareTo(stored.decimalValue()) == 0;
    }
    return !stored.isMissingNode() && written.asText().equals(stored.asText());
  }
}
