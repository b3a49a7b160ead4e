package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.pausing.PauseGitOps;
import io.eksscheduler.actions.pausing.ResumeGitOps;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * gitops.pause and gitops.resume against the real API server, on Argo CD Applications, Flux
 * Kustomizations and HelmReleases of their own: pausing records each original once, in the ledger
 * and on the object, and a resume in a separate run leaves every object exactly as it was.
 */
@ExtendWith(SandboxExtension.class)
class GitOpsPauseIT {
  private static final String ORIGINAL = "eks-scheduler.io/original";
  private static final String ARGO = "argoproj.io";
  private static final String KS = "kustomize.toolkit.fluxcd.io";
  private static final String HELM = "helm.toolkit.fluxcd.io";

  @TempDir Path state;
  private ApiClient client;
  private CustomObjectsApi custom;
  private String ns;
  private String managed;
  private PlaybookRuns runs;

  @BeforeEach
  void setUp(TestSandbox sandbox) throws Exception {
    client = sandbox.adminClient();
    custom = new CustomObjectsApi(client);
    runs = new PlaybookRuns(List.of(new PauseGitOps(), new ResumeGitOps()), client, state);
    long id = System.nanoTime() % 100_000;
    ns = "gitops-it-" + id;
    managed = "gitops-it-apps-" + id;
    CoreV1Api core = new CoreV1Api(client);
    for (String n : List.of(ns, managed)) {
      core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(n))).execute();
    }
    create(
        ARGO,
        "v1alpha1",
        "applications",
        Map.of(
            "apiVersion",
            "argoproj.io/v1alpha1",
            "kind",
            "Application",
            "metadata",
            Map.of("name", "shop", "annotations", Map.of("team", "shop")),
            "spec",
            Map.of(
                "project", "default",
                "destination",
                    Map.of("server", "https://kubernetes.default.svc", "namespace", managed),
                "syncPolicy",
                    Map.of(
                        "automated",
                        Map.of("prune", true, "selfHeal", true),
                        "syncOptions",
                        List.of("CreateNamespace=true")))));
    create(
        ARGO,
        "v1alpha1",
        "applications",
        Map.of(
            "apiVersion",
            "argoproj.io/v1alpha1",
            "kind",
            "Application",
            "metadata",
            Map.of("name", "manual"),
            "spec",
            Map.of(
                "project", "default",
                "destination", Map.of("namespace", managed),
                "syncPolicy", Map.of("syncOptions", List.of("CreateNamespace=true")))));
    create(KS, "v1", "kustomizations", flux("Kustomization", KS + "/v1", "apps", managed, null));
    create(
        KS, "v1", "kustomizations", flux("Kustomization", KS + "/v1", "other", "elsewhere", false));
    create(HELM, "v2", "helmreleases", flux("HelmRelease", HELM + "/v2", "redis", managed, false));
  }

  @AfterEach
  void tearDown() throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    for (String n : List.of(ns, managed)) {
      core.deleteNamespace(n).execute();
    }
  }

  @Test
  void pauseRecordsOriginalsOnceAndAResumeInAnotherRunRestoresEachObjectExactly() throws Exception {
    Map<String, Map<String, Object>> before = snapshot();
    String with = "      namespaces: [" + ns + "]\n      managing: [" + managed + "]\n";

    List<String> plan = runs.plan("gitops.pause", with);
    assertEquals(
        List.of(
            "Application " + ns + "/shop: automated sync -> paused",
            "Kustomization " + ns + "/apps: suspend (absent) -> true",
            "HelmRelease " + ns + "/redis: suspend false -> true"),
        plan);
    assertEquals(before, snapshot(), "a dry run changes nothing");

    RunState paused = runs.run("r-pause", "gitops.pause", with);
    assertEquals(RunStatus.SUCCEEDED, paused.status(), paused.step("step").error());
    Map<String, Object> shop = read(ARGO, "v1alpha1", "applications", "shop");
    assertFalse(syncPolicy(shop).containsKey("automated"));
    assertEquals(List.of("CreateNamespace=true"), syncPolicy(shop).get("syncOptions"));
    assertEquals(
        "{\"v\":1,\"run\":\"r-pause\",\"automated\":{\"prune\":true,\"selfHeal\":true}}",
        annotation(shop));
    Map<String, Object> apps = read(KS, "v1", "kustomizations", "apps");
    assertEquals(true, spec(apps).get("suspend"));
    assertEquals("{\"v\":1,\"run\":\"r-pause\",\"suspend\":null}", annotation(apps));
    Map<String, Object> redis = read(HELM, "v2", "helmreleases", "redis");
    assertEquals(true, spec(redis).get("suspend"));
    assertEquals("{\"v\":1,\"run\":\"r-pause\",\"suspend\":false}", annotation(redis));
    assertEquals(before.get("manual"), snapshot().get("manual"), "no automated sync: untouched");
    assertEquals(before.get("other"), snapshot().get("other"), "manages another namespace");
    assertEquals(
        List.of(
            "Application " + ns + "/shop",
            "HelmRelease " + ns + "/redis",
            "Kustomization " + ns + "/apps"),
        paused.step("step").outputs().get("paused"),
        "a run's lists are stored sorted");
    assertEquals(
        "{\"v\":1,\"run\":\"r-pause\",\"suspend\":false}",
        String.valueOf(paused.step("step").ledger().get("original:HelmRelease " + ns + "/redis")));
    assertEquals(3, paused.step("step").ledger().size());

    Map<String, Map<String, Object>> asleep = snapshot();
    RunState again = runs.run("r-again", "gitops.pause", with);
    assertEquals(RunStatus.SUCCEEDED, again.status(), again.step("step").error());
    assertEquals(Map.of(), again.step("step").ledger(), "a second pause records nothing new");
    assertEquals(asleep, snapshot());

    RunState resumed = runs.run("r-wake", "gitops.resume", with);
    assertEquals(RunStatus.SUCCEEDED, resumed.status(), resumed.step("step").error());
    assertEquals(before, snapshot(), "each object exactly as before the pause");
    assertEquals(3, ((List<?>) resumed.step("step").outputs().get("resumed")).size());
    assertTrue(runs.plan("gitops.resume", with).isEmpty(), "nothing left to resume");
  }

  private Map<String, Object> flux(
      String kind, String apiVersion, String name, String target, Boolean suspend) {
    Map<String, Object> spec = new HashMap<>();
    spec.put("interval", "10m");
    spec.put("targetNamespace", target);
    // What the upstream CRDs require: a Kustomization's source and prune, a HelmRelease's chart.
    if (kind.equals("Kustomization")) {
      spec.put("prune", true);
      spec.put("sourceRef", Map.of("kind", "GitRepository", "name", "platform"));
    } else {
      spec.put(
          "chart",
          Map.of(
              "spec",
              Map.of(
                  "chart", name, "sourceRef", Map.of("kind", "HelmRepository", "name", "charts"))));
    }
    if (suspend != null) {
      spec.put("suspend", suspend);
    }
    return Map.of(
        "apiVersion", apiVersion, "kind", kind, "metadata", Map.of("name", name), "spec", spec);
  }

  private void create(String group, String version, String plural, Map<String, Object> body)
      throws Exception {
    custom.createNamespacedCustomObject(group, version, ns, plural, body).execute();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> read(String group, String version, String plural, String name)
      throws Exception {
    return (Map<String, Object>)
        custom.getNamespacedCustomObject(group, version, ns, plural, name).execute();
  }

  /** Each object's spec and annotations, by name. */
  private Map<String, Map<String, Object>> snapshot() throws Exception {
    Map<String, Map<String, Object>> out = new HashMap<>();
    for (String[] o :
        new String[][] {
          {ARGO, "v1alpha1", "applications", "shop"},
          {ARGO, "v1alpha1", "applications", "manual"},
          {KS, "v1", "kustomizations", "apps"},
          {KS, "v1", "kustomizations", "other"},
          {HELM, "v2", "helmreleases", "redis"}
        }) {
      Map<String, Object> obj = read(o[0], o[1], o[2], o[3]);
      Map<String, Object> kept = new HashMap<>();
      kept.put("spec", obj.get("spec"));
      kept.put("annotations", meta(obj).get("annotations"));
      out.put(o[3], kept);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> meta(Map<String, Object> obj) {
    return (Map<String, Object>) obj.get("metadata");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> obj) {
    return (Map<String, Object>) obj.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> syncPolicy(Map<String, Object> obj) {
    return (Map<String, Object>) spec(obj).get("syncPolicy");
  }

  @SuppressWarnings("unchecked")
  private static String annotation(Map<String, Object> obj) {
    Map<String, String> a = (Map<String, String>) meta(obj).get("annotations");
    assertTrue(a != null, "no annotations on " + meta(obj).get("name"));
    return a.get(ORIGINAL);
  }
}
