package io.eksscheduler.actions.pausing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ResourceType;
import io.eksscheduler.actions.pausing.Pausing.Target;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class PauseDecisionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORIGINAL = "'eks-scheduler.io/original'";

  private static Target target(ResourceType type, PausedField field, String json) throws Exception {
    return new Target(new ClusterObject(type, JSON.readTree(json.replace('\'', '"'))), field);
  }

  private static Target kustomization(String name, String annotations, String spec)
      throws Exception {
    return target(
        ResourceType.KUSTOMIZATION,
        PausedField.FLUX_SUSPEND,
        "{'metadata':{'name':'"
            + name
            + "','namespace':'flux-system','annotations':{"
            + annotations
            + "}},'spec':{"
            + spec
            + "}}");
  }

  private static Target app(String name, String annotations, String syncPolicy) throws Exception {
    return target(
        ResourceType.APPLICATION,
        PausedField.ARGO_AUTOMATED,
        "{'metadata':{'name':'"
            + name
            + "','namespace':'argocd','annotations':{"
            + annotations
            + "}},'spec':{'destination':{'namespace':'shop'},'syncPolicy':{"
            + syncPolicy
            + "}}}");
  }

  private static Target pool(String name, String annotations) throws Exception {
    return target(
        ResourceType.NODE_POOL,
        PausedField.NODE_POOL_LIMITS,
        "{'metadata':{'name':'"
            + name
            + "','annotations':{"
            + annotations
            + "}},'spec':{'limits':{'cpu':'64'}}}");
  }

  @Test
  void aPauseSaysWhatChanges() throws Exception {
    PauseDecision d =
        PauseDecision.pause(
            List.of(
                kustomization("apps", "", "'suspend':false"), app("shop", "", "'automated':{}")),
            GitOpsObjects.selection(null));
    assertEquals(
        List.of(
            "Kustomization flux-system/apps: suspend false -> true",
            "Application argocd/shop: automated sync -> paused"),
        d.lines());
    assertEquals(List.of("Kustomization flux-system/apps", "Application argocd/shop"), d.ids());
  }

  @Test
  void anObjectHoldingThePausedValueIsKeptAndOnlyItsOriginalRecorded() throws Exception {
    PauseDecision d =
        PauseDecision.pause(
            List.of(
                kustomization("apps", "", "'suspend':true"),
                kustomization("web", "", "'suspend':false")),
            GitOpsObjects.selection(null));
    assertEquals(List.of("Kustomization flux-system/web: suspend false -> true"), d.changes());
    assertEquals(
        List.of(
            "Kustomization flux-system/apps: suspend already true, kept (true recorded as its"
                + " original)"),
        d.unchanged());
    assertEquals(
        List.of("Kustomization flux-system/apps", "Kustomization flux-system/web"), d.ids());
  }

  @Test
  void anObjectPausedWithItsOriginalIsAlreadyPaused() throws Exception {
    PauseDecision d =
        PauseDecision.pause(
            List.of(
                kustomization(
                    "apps",
                    ORIGINAL + ":'{\\'v\\':1,\\'run\\':\\'r0\\',\\'suspend\\':false}'",
                    "'suspend':true")),
            GitOpsObjects.selection(null));
    assertEquals(PauseDecision.Verdict.ALREADY_PAUSED, d.entries().get(0).verdict());
    assertEquals(
        List.of("Kustomization flux-system/apps: already paused (original recorded by run r0)"),
        d.lines());
  }

  @Test
  void aRecordedOriginalIsKeptNotOverwritten() throws Exception {
    PauseDecision d =
        PauseDecision.pause(
            List.of(
                kustomization(
                    "apps",
                    ORIGINAL + ":'{\\'v\\':1,\\'run\\':\\'r0\\',\\'suspend\\':null}'",
                    "'suspend':false")),
            GitOpsObjects.selection(null));
    assertEquals(
        List.of(
            "Kustomization flux-system/apps: suspend false -> true (original (absent) kept,"
                + " recorded by run r0)"),
        d.lines());
  }

  @Test
  void excludedAndUnmanagedObjectsAreSkippedWithWhy() throws Exception {
    PauseDecision d =
        PauseDecision.pause(
            List.of(
                kustomization("quiet", "'eks-scheduler.io/exclude':'true'", ""),
                kustomization("data", "", "'targetNamespace':'data'"),
                app("off", "", "")),
            GitOpsObjects.selection(List.of("shop")));
    assertEquals(List.of(), d.entries());
    assertEquals(
        List.of(
            new PauseDecision.Skipped(
                "Kustomization flux-system/quiet", "annotated eks-scheduler.io/exclude: \"true\""),
            new PauseDecision.Skipped(
                "Kustomization flux-system/data",
                "manages namespace data, not one the step's managing names"),
            new PauseDecision.Skipped(
                "Application argocd/off", "automated sync is off and no original is recorded")),
        d.skipped());
  }

  @Test
  void aResumeRestoresWhatWasRecordedAndSkipsTheRest() throws Exception {
    Target recorded =
        app(
            "shop",
            ORIGINAL + ":'{\\'v\\':1,\\'run\\':\\'r0\\',\\'automated\\':{\\'prune\\':true}}'",
            "");
    Target plain = kustomization("apps", "", "'suspend':false");
    PauseDecision d = PauseDecision.resume(List.of(recorded, plain), GitOpsObjects.selection(null));
    assertEquals(
        List.of(
            "Application argocd/shop: automated sync {\"prune\":true} restored (recorded by run r0)"),
        d.lines());
    assertEquals(List.of(recorded, plain), d.selected());
    assertEquals("Kustomization flux-system/apps", d.skipped().get(0).id());
  }

  @Test
  void aResumeSaysWhatAFieldGoesBackTo() throws Exception {
    Target paused =
        pool(
            "default",
            ORIGINAL + ":'{\\'v\\':1,\\'run\\':\\'r0\\',\\'limits\\':{\\'cpu\\':\\'64\\'}}'");
    PauseDecision d =
        PauseDecision.resume(
            List.of(paused),
            AutoscalerObjects.selection(
                AutoscalerObjects.Scope.of(null, null, null, null, null, null)));
    assertEquals(
        List.of(
            "NodePool default: limits {\"cpu\":\"64\"} -> {\"cpu\":\"64\"} (recorded by run r0)"),
        d.lines());
  }

  @Test
  void nodePoolsTheStepDoesNotNameAreSkipped() throws Exception {
    PauseDecision d =
        PauseDecision.pause(
            List.of(pool("default", ""), pool("gpu", "")),
            AutoscalerObjects.selection(
                AutoscalerObjects.Scope.of(null, null, null, null, List.of("gpu"), null)));
    assertEquals(List.of("NodePool gpu"), d.ids());
    assertEquals(
        List.of(new PauseDecision.Skipped("NodePool default", "not one of the step's nodePools")),
        d.skipped());
  }

  @Test
  void anUnreadableOriginalFailsTheStepBeforeAnyChange() throws Exception {
    ActionFailure e =
        assertThrows(
            ActionFailure.class,
            () ->
                PauseDecision.pause(
                    List.of(kustomization("apps", ORIGINAL + ":'nope'", "")),
                    GitOpsObjects.selection(null)));
    assertEquals(
        "Kustomization flux-system/apps: annotation eks-scheduler.io/original is not JSON: nope;"
            + " fix or remove it",
        e.getMessage());
  }
}
