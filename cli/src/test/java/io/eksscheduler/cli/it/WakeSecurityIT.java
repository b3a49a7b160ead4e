package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that the ClusterRole {@code eks-scheduler-wake} of deploy/rbac.yaml and
 * docs/iam-policy-wake.json are what {@code eks-scheduler start} needs, no more and no less. On the
 * dev cluster stopped by the admin (its self-blocking webhook in its deadlock, so that the wake
 * relaxes it and nudges its ReplicaSet), the operator, who has only them and reaches Kubernetes
 * through an EKS token: fails before any change, naming the verb, when one verb is taken away;
 * fails naming the action when one IAM action is; then wakes the cluster back to what it was before
 * the stop, using exactly the role's rules (the audit log) and the policy's actions (the SDK's
 * calls). The test starts from a fresh dev scenario, and the next test class finds one too.
 */
@ExtendWith(SandboxExtension.class)
class WakeSecurityIT {
  private static final String ROLE = "eks-scheduler-wake";
  private static final String POLICY = "iam-policy-wake.json";
  private static final Path WORK = Path.of("target", "wake-security-it");

  @TempDir Path tmp;

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void aStartUsesExactlyTheRulesAndActionsItIsGrantedAndNamesWhatIsMissing(TestSandbox sandbox)
      throws Exception {
    sandbox.reset();
    Grants.applyMoreKinds(sandbox);
    Grants.apply(sandbox, moreWebhooks(new KubeJson(sandbox.adminClient())));
    WakeCycle cycle = WakeCycle.stop(sandbox, new WakeRuns(sandbox, WORK), "security-stop");
    List<Map<String, Object>> rbac = Grants.role(ROLE);
    JsonNode policy = Grants.policy(POLICY);

    Grants.apply(sandbox, Grants.withoutVerb(rbac, "", "persistentvolumes", "list"));
    Grants.usePolicy(sandbox, policy);
    WakeSnapshot asleep = WakeSnapshot.capture(sandbox);
    Grants.Outcome noVerb = start(sandbox, "without-verb");
    assertNotEquals(0, noVerb.code(), noVerb.output());
    assertTrue(
        noVerb.output().contains(Grants.cannot("list", "persistentvolumes", "")), noVerb.output());
    assertEquals(
        List.of(),
        WakeSnapshot.capture(sandbox).differencesFrom(asleep),
        "a start refused a verb changed the stopped cluster");

    Grants.apply(sandbox, rbac);
    Grants.usePolicy(sandbox, Grants.withoutAction(policy, "eks:UpdateNodegroupConfig"));
    Grants.Outcome noAction = start(sandbox, "without-action");
    assertNotEquals(0, noAction.code(), noAction.output());
    assertTrue(
        noAction.output().contains(Grants.notAuthorized("eks:UpdateNodegroupConfig")),
        noAction.output());

    Grants.usePolicy(sandbox, policy);
    List<Map<String, Object>> store = Grants.storeRole();
    Grants.apply(sandbox, store);
    Grants.oldRun(sandbox);
    Instant from = Instant.now();
    // On the cluster store, the default: its Role's rules are part of what a start uses.
    Grants.Outcome start =
        Grants.asOperator(
            sandbox,
            tmp.resolve("home"),
            tmp.resolve("granted.aws-calls"),
            tmp.resolve("granted.log"),
            "start",
            "--cluster",
            "dev");
    assertEquals(0, start.code(), start.output());
    java.util.Set<KubePermission> granted =
        new TreeSet<>(KubePermission.ofRules(Grants.rules(rbac)));
    granted.addAll(KubePermission.ofRules(Grants.storeRules(store)));
    assertEquals(
        granted,
        new TreeSet<>(KubePermission.ofAudit(sandbox.auditLog(), Grants.USER, from)),
        "the role's rules are exactly what the start used");
    assertEquals(
        Grants.actions(policy),
        new TreeSet<>(Files.readAllLines(tmp.resolve("granted.aws-calls"))),
        "the policy's actions are exactly what the start called");
    assertEquals(List.of(), Grants.refusedAwsCalls(sandbox, from));
    assertEquals(List.of(), cycle.differencesAfterWake(), "the cluster after the operator's start");
  }

  /**
   * Two webhooks of kinds dev lacks, both served by the sandbox's webhook server, so that every
   * rule of the wake's role is used: Kyverno's mutating twin of its validating webhook,
   * self-blocking as well (the wake relaxes and restores a mutating configuration too), and a
   * webhook on ConfigMaps, which no dry-run pod can reach, so the wake checks it with a TLS
   * connection through the API server's service proxy.
   */
  private static List<Map<String, Object>> moreWebhooks(KubeJson kube) {
    JsonNode kyverno =
        kube.get(
                "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/"
                    + WakeDeadlock.CONFIGURATION)
            .orElseThrow()
            .path("webhooks")
            .get(0);
    String caBundle = kyverno.path("clientConfig").path("caBundle").asText();
    Map<String, Object> mutate =
        webhook(
            "mutate.kyverno.svc-fail",
            "Fail",
            "NoneOnDryRun",
            Map.of(
                "caBundle",
                caBundle,
                "service",
                Map.of(
                    "name",
                    "kyverno-svc",
                    "namespace",
                    WakeDeadlock.NAMESPACE,
                    "path",
                    "/kyverno/mutate",
                    "port",
                    443)),
            Map.of(
                "matchExpressions",
                List.of(
                    Map.of(
                        "key", "kubernetes.io/metadata.name",
                        "operator", "NotIn",
                        "values", List.of("kube-system")))),
            "pods");
    Map<String, Object> configMaps =
        webhook(
            "validate-configmaps.cert-manager.io",
            "Ignore",
            "None",
            Map.of(
                "caBundle",
                caBundle,
                "service",
                Map.of(
                    "name", "cert-manager-webhook",
                    "namespace", "cert-manager",
                    "path", "/cert-manager/validate",
                    "port", 443)),
            Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "cert-manager")),
            "configmaps");
    return List.of(
        configuration(
            "MutatingWebhookConfiguration", "kyverno-resource-mutating-webhook-cfg", mutate),
        configuration("ValidatingWebhookConfiguration", "cert-manager-configmaps", configMaps));
  }

  private static Map<String, Object> webhook(
      String name,
      String failurePolicy,
      String sideEffects,
      Map<String, Object> clientConfig,
      Map<String, Object> namespaceSelector,
      String resource) {
    return Map.of(
        "name", name,
        "failurePolicy", failurePolicy,
        "sideEffects", sideEffects,
        "admissionReviewVersions", List.of("v1"),
        "timeoutSeconds", 5,
        "clientConfig", clientConfig,
        "namespaceSelector", namespaceSelector,
        "rules",
            List.of(
                Map.of(
                    "apiGroups", List.of(""),
                    "apiVersions", List.of("v1"),
                    "operations", List.of("CREATE"),
                    "resources", List.of(resource))));
  }

  private static Map<String, Object> configuration(
      String kind, String name, Map<String, Object> webhook) {
    return Map.of(
        "apiVersion",
        "admissionregistration.k8s.io/v1",
        "kind",
        kind,
        "metadata",
        Map.of("name", name),
        "webhooks",
        List.of(webhook));
  }

  /**
   * {@code start --cluster dev} as the operator, in a state directory of its own (a failed start is
   * not resumed here: each start reads everything again, so its requests are all in its window).
   */
  private Grants.Outcome start(TestSandbox sandbox, String label) throws Exception {
    return Grants.asOperator(
        sandbox,
        tmp.resolve("home"),
        tmp.resolve(label + ".aws-calls"),
        tmp.resolve(label + ".log"),
        "start",
        "--cluster",
        "dev",
        "--state-dir",
        tmp.resolve(label + "-state").toString());
  }
}
