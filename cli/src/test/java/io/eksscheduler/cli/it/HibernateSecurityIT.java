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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that deploy/rbac.yaml and docs/iam-policy.json are what {@code eks-scheduler stop} needs,
 * no more and no less: a stop run as an operator who has only them (Kubernetes reached through an
 * EKS token, no kubeconfig) succeeds, calls exactly the Kubernetes rules and AWS actions granted,
 * and fails naming what is missing when one verb or one action is taken away. Each test starts from
 * a fresh dev scenario, and the next test class finds one too.
 */
@ExtendWith(SandboxExtension.class)
class HibernateSecurityIT {
  private static final String ROLE = "eks-scheduler";
  private static final String POLICY = "iam-policy.json";

  @TempDir Path tmp;

  @BeforeEach
  void freshScenario(TestSandbox sandbox) {
    sandbox.reset();
  }

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void aStopUsesExactlyTheRulesAndActionsItIsGranted(TestSandbox sandbox) throws Exception {
    List<Map<String, Object>> rbac = Grants.role(ROLE);
    List<Map<String, Object>> store = Grants.storeRole();
    Grants.apply(sandbox, rbac);
    Grants.apply(sandbox, store);
    Grants.applyMoreKinds(sandbox);
    Grants.oldRun(sandbox);
    JsonNode policy = Grants.policy(POLICY);
    Grants.usePolicy(sandbox, policy);
    Path calls = tmp.resolve("aws-calls");
    Instant from = Instant.now();

    // On the cluster store, the default: its Role's rules are part of what a stop uses.
    Grants.Outcome stop =
        Grants.asOperator(
            sandbox,
            tmp.resolve("home"),
            calls,
            tmp.resolve("stop.log"),
            "stop",
            "--cluster",
            "dev");

    assertEquals(0, stop.code(), stop.output());
    Set<KubePermission> granted = new TreeSet<>(KubePermission.ofRules(Grants.rules(rbac)));
    granted.addAll(KubePermission.ofRules(Grants.storeRules(store)));
    assertEquals(
        granted,
        new TreeSet<>(KubePermission.ofAudit(sandbox.auditLog(), Grants.USER)),
        "the role's rules are exactly what the stop used");
    assertEquals(Grants.actions(policy), new TreeSet<>(Files.readAllLines(calls)));
    assertEquals(List.of(), Grants.refusedAwsCalls(sandbox, from));
  }

  @Test
  void aStopWithoutOneVerbFailsNamingTheResourceAndTheVerb(TestSandbox sandbox) throws Exception {
    Grants.apply(sandbox, Grants.withoutVerb(Grants.role(ROLE), "apps", "deployments", "patch"));
    Grants.usePolicy(sandbox, Grants.policy(POLICY));

    Grants.Outcome stop =
        stop(sandbox, tmp.resolve("aws-calls"), "--state-dir", tmp.resolve("state").toString());

    assertNotEquals(0, stop.code(), stop.output());
    assertTrue(
        stop.output().contains(Grants.cannot("patch", "deployments", "apps")), stop.output());
  }

  @Test
  void aStopWithoutOneIamActionFailsNamingTheAction(TestSandbox sandbox) throws Exception {
    Grants.apply(sandbox, Grants.role(ROLE));
    Grants.usePolicy(
        sandbox, Grants.withoutAction(Grants.policy(POLICY), "eks:UpdateNodegroupConfig"));

    Grants.Outcome stop =
        stop(sandbox, tmp.resolve("aws-calls"), "--state-dir", tmp.resolve("state").toString());

    assertNotEquals(0, stop.code(), stop.output());
    assertTrue(
        stop.output().contains(Grants.notAuthorized("eks:UpdateNodegroupConfig")), stop.output());
  }

  /** {@code stop --cluster dev ...more} as the operator. */
  private Grants.Outcome stop(TestSandbox sandbox, Path calls, String... more) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("stop", "--cluster", "dev"));
    args.addAll(List.of(more));
    return Grants.asOperator(
        sandbox, tmp.resolve("home"), calls, tmp.resolve("stop.log"), args.toArray(String[]::new));
  }
}
