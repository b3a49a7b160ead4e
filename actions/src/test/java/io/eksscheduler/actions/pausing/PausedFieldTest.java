package io.eksscheduler.actions.pausing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.pausing.PausedField.FieldOriginal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PausedFieldTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ClusterObject object(ResourceType type, String json) throws Exception {
    return new ClusterObject(type, JSON.readTree(json.replace('\'', '"')));
  }

  private static ClusterObject app() throws Exception {
    return object(
        ResourceType.APPLICATION,
        "{'metadata':{'name':'shop','namespace':'argocd','resourceVersion':'7'},"
            + "'spec':{'syncPolicy':{'automated':{'prune':true,'selfHeal':true},"
            + "'syncOptions':['CreateNamespace=true']}}}");
  }

  /** RFC 7386 applied, as the API server does, to check what a patch leaves behind. */
  private static JsonNode applyMergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode out =
        target != null && target.isObject() ? target.deepCopy() : JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), applyMergePatch(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }

  private static ClusterObject after(ClusterObject o, String patch) throws Exception {
    ObjectNode next = (ObjectNode) applyMergePatch(o.json(), JSON.readTree(patch));
    ((ObjectNode) next.get("metadata")).remove("resourceVersion");
    return new ClusterObject(o.type(), next);
  }

  @Test
  void argoOriginalIsTheAutomatedObjectAsVersionedJson() throws Exception {
    FieldOriginal o = PausedField.ARGO_AUTOMATED.original(app(), "r-1");
    assertEquals(
        "{\"v\":1,\"run\":\"r-1\",\"automated\":{\"prune\":true,\"selfHeal\":true}}",
        PausedField.ARGO_AUTOMATED.format(o));
  }

  @Test
  void anAbsentFieldIsRecordedAsNull() throws Exception {
    ClusterObject ks =
        object(ResourceType.KUSTOMIZATION, "{'metadata':{'name':'k','namespace':'f'},'spec':{}}");
    FieldOriginal o = PausedField.FLUX_SUSPEND.original(ks, "r-1");
    assertNull(o.value());
    assertEquals("{\"v\":1,\"run\":\"r-1\",\"suspend\":null}", PausedField.FLUX_SUSPEND.format(o));
  }

  @Test
  void pausePatchSetsAnnotationAndChangeTogetherGuardedByResourceVersion() throws Exception {
    ClusterObject app = app();
    String patch =
        PausedField.ARGO_AUTOMATED.pausePatch(app, PausedField.ARGO_AUTOMATED.original(app, "r-1"));
    assertEquals(
        "{\"metadata\":{\"resourceVersion\":\"7\",\"annotations\":{\"eks-scheduler.io/original\":"
            + "\"{\\\"v\\\":1,\\\"run\\\":\\\"r-1\\\",\\\"automated\\\":{\\\"prune\\\":true,"
            + "\\\"selfHeal\\\":true}}\"}},\"spec\":{\"syncPolicy\":{\"automated\":null}}}",
        patch);
  }

  @Test
  void pauseThenRestoreLeavesTheObjectExactlyAsBefore() throws Exception {
    for (PausedField field :
        new PausedField[] {
          PausedField.ARGO_AUTOMATED,
          PausedField.FLUX_SUSPEND,
          PausedField.NODE_POOL_LIMITS,
          PausedField.KEDA_PAUSED,
          PausedField.REPLICAS
        }) {
      ClusterObject before =
          object(
              ResourceType.NODE_POOL,
              "{'metadata':{'name':'p','annotations':{'team':'a'}},'spec':{'replicas':3,"
                  + "'limits':{'cpu':'64','nvidia.com/gpu':2},'suspend':false,"
                  + "'syncPolicy':{'automated':{}}}}");
      FieldOriginal original = field.original(before, "r-1");
      ClusterObject paused = after(before, field.pausePatch(before, original));
      assertTrue(field.isPaused(paused), field.key());
      assertEquals(Optional.of(original), field.recorded(paused), field.key());
      ClusterObject restored = after(paused, field.restorePatch(paused, original));
      assertEquals(before.json(), restored.json(), field.key());
    }
  }

  @Test
  void limitsArePausedAsExactlyZeroCpuAndMemory() throws Exception {
    ClusterObject pool =
        object(
            ResourceType.NODE_POOL,
            "{'metadata':{'name':'p'},'spec':{'limits':{'cpu':'64','nvidia.com/gpu':2}}}");
    ClusterObject paused =
        after(
            pool,
            PausedField.NODE_POOL_LIMITS.pausePatch(
                pool, PausedField.NODE_POOL_LIMITS.original(pool, "r")));
    assertEquals(
        JSON.readTree("{\"cpu\":\"0\",\"memory\":\"0\"}"), paused.json().at("/spec/limits"));
  }

  @Test
  void restoringAnAbsentFieldRemovesIt() throws Exception {
    ClusterObject so =
        object(ResourceType.SCALED_OBJECT, "{'metadata':{'name':'w','namespace':'s'},'spec':{}}");
    FieldOriginal original = PausedField.KEDA_PAUSED.original(so, "r");
    ClusterObject paused = after(so, PausedField.KEDA_PAUSED.pausePatch(so, original));
    assertEquals(Optional.of("0"), paused.annotation(PausedField.KEDA_PAUSED_REPLICAS));
    ClusterObject restored = after(paused, PausedField.KEDA_PAUSED.restorePatch(paused, original));
    assertEquals(JSON.readTree("{}"), restored.json().at("/metadata/annotations"));
  }

  @Test
  void restoreUndoesAChangeMadeWhilePaused() throws Exception {
    ClusterObject app = app();
    FieldOriginal original = PausedField.ARGO_AUTOMATED.original(app, "r");
    ClusterObject paused = after(app, PausedField.ARGO_AUTOMATED.pausePatch(app, original));
    ClusterObject reenabled =
        after(paused, "{\"spec\":{\"syncPolicy\":{\"automated\":{\"allowEmpty\":true}}}}");
    ClusterObject restored =
        after(reenabled, PausedField.ARGO_AUTOMATED.restorePatch(reenabled, original));
    assertEquals(app.json().get("spec"), restored.json().get("spec"));
  }

  @Test
  void diffOfEqualValuesIsNothing() throws Exception {
    assertNull(PausedField.diff(JSON.readTree("{\"a\":1}"), JSON.readTree("{\"a\":1}")));
  }

  @Test
  void anOriginalOfAnotherFieldIsRefusedNamingTheObject() throws Exception {
    ClusterObject ks =
        object(
            ResourceType.KUSTOMIZATION,
            "{'metadata':{'name':'k','namespace':'f','annotations':"
                + "{'eks-scheduler.io/original':'{\\'v\\':1,\\'replicas\\':3}'}}}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PausedField.FLUX_SUSPEND.recorded(ks));
    assertTrue(e.getMessage().startsWith("Kustomization f/k: annotation"), e.getMessage());
    assertTrue(e.getMessage().contains("holds no suspend"), e.getMessage());
  }

  @Test
  void aNewerVersionIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PausedField.FLUX_SUSPEND.fromJson(JSON.readTree("{\"v\":2,\"suspend\":true}")));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void replicasOriginalsReadTheSameAsThoseOfWorkloadsSleep() throws Exception {
    FieldOriginal o =
        PausedField.REPLICAS.fromJson(
            JSON.readTree(Originals.format(Originals.Original.ofReplicas("r-9", 2))));
    assertEquals(new FieldOriginal("r-9", JSON.readTree("2")), o);
  }

  @Test
  void aPausedObjectIsRecognised() throws Exception {
    ClusterObject app = app();
    assertFalse(PausedField.ARGO_AUTOMATED.isPaused(app));
  }
}
