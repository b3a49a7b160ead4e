package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.sandbox.SandboxIdentity;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves what the scheduler's commands need, against the real API server and the simulator's IAM:
 * {@code hold} exactly docs/iam-policy-hold.json (and names the action it lacks), and a {@code
 * reconcile} through a fleet entry's {@code roleArn}: the operator needs only
 * docs/iam-policy-assume.json, the role it assumes the stop's and the wake's policies and the
 * ClusterRoles of deploy/rbac.yaml with the store's Role, of which it uses no more. Each test class
 * leaves a fresh dev scenario; this one changes nothing in the cluster but its grants, which it
 * takes back at the end.
 */
@ExtendWith(SandboxExtension.class)
class SchedulerSecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROLE = "fleet-role";
  private static final String ROLE_USER = "eks-scheduler-fleet";
  private static final String SESSION =
      "arn:aws:sts::111122223333:assumed-role/eks-scheduler/eks-scheduler";

  @TempDir Path tmp;

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    SandboxIdentity.of(sandbox.sandbox(), ROLE).dropPolicy();
    sandbox.reset();
  }

  @Test
  void aHoldUsesExactlyItsPolicyAndNamesWhatIsMissing(TestSandbox sandbox) throws Exception {
    JsonNode policy = Grants.policy("iam-policy-hold.json");
    Grants.usePolicy(sandbox, Grants.withoutAction(policy, "eks:TagResource"));
    Grants.Outcome refused = hold(sandbox, "refused", "--awake", "--until", "4h");
    assertNotEquals(0, refused.code(), refused.output());
    assertTrue(
        refused.output().contains(Grants.notAuthorized("eks:TagResource")), refused.output());

    Grants.usePolicy(sandbox, policy);
    Instant from = Instant.now();
    Grants.Outcome held =
        hold(sandbox, "held", "--awake", "--until", "4h", "--reason", "release 4.2");
    assertEquals(0, held.code(), held.output());
    Grants.Outcome released = hold(sandbox, "released", "--release");
    assertEquals(0, released.code(), released.output());
    assertTrue(released.output().contains("released its hold"), released.output());
    Set<String> called = new TreeSet<>(Files.readAllLines(tmp.resolve("held.aws-calls")));
    called.addAll(Files.readAllLines(tmp.resolve("released.aws-calls")));
    // GetCallerIdentity names who holds; it needs no permission on AWS.
    assertTrue(called.remove("sts:GetCallerIdentity"), called.toString());
    assertEquals(Grants.actions(policy), called, "the policy's actions are what hold called");
    assertEquals(List.of(), Grants.refusedAwsCalls(sandbox, from));
  }

  @Test
  void aReconcileThroughARoleUsesNoMoreThanItIsGranted(TestSandbox sandbox) throws Exception {
    Path fleet = tmp.resolve("fleet.yaml");
    Files.writeString(
        fleet,
        """
        apiVersion: eks-scheduler/v1
        kind: Fleet
        metadata: {name: security}
        schedules:
          always:
            timeZone: UTC
            awake: [{days: Mon-Sun, from: "00:00", to: "24:00"}]
        clusters:
          - {name: dev, region: eu-west-1, schedule: always,
             roleArn: "arn:aws:iam::111122223333:role/eks-scheduler"}
        """);
    List<Map<String, Object>> stop = Grants.role("eks-scheduler");
    List<Map<String, Object>> wake = Grants.role("eks-scheduler-wake");
    List<Map<String, Object>> store = Grants.storeRole();
    Grants.apply(sandbox, stop);
    Grants.apply(sandbox, wake);
    Grants.apply(sandbox, store);
    JsonNode rolePolicy =
        merged(Grants.policy("iam-policy.json"), Grants.policy("iam-policy-wake.json"));
    SandboxIdentity.of(sandbox.sandbox(), ROLE).usePolicy(rolePolicy.toString());

    // The operator may not assume the role: reconcile says so, before anything is read.
    Grants.usePolicy(sandbox, Grants.policy("iam-policy-hold.json"));
    Grants.Outcome refused = reconcile(sandbox, fleet, "refused");
    assertNotEquals(0, refused.code(), refused.output());
    assertTrue(refused.output().contains(Grants.notAuthorized("sts:AssumeRole")), refused.output());

    JsonNode assume = Grants.policy("iam-policy-assume.json");
    Grants.usePolicy(sandbox, assume);
    Instant from = Instant.now();
    Grants.Outcome done = reconcile(sandbox, fleet, "granted");
    assertEquals(0, done.code(), done.output());
    assertTrue(done.output().contains("is awake: nothing to do"), done.output());

    Set<String> called = new TreeSet<>(Files.readAllLines(tmp.resolve("granted.aws-calls")));
    assertTrue(called.remove("sts:AssumeRole"), "the operator assumed the role: " + called);
    Set<String> allowed = Grants.actions(rolePolicy);
    assertTrue(allowed.containsAll(called), called + " beyond the role's policy " + allowed);
    assertEquals(List.of(), refusedSince(sandbox, from));
    Set<KubePermission> granted = new TreeSet<>(KubePermission.ofRules(Grants.rules(stop)));
    granted.addAll(KubePermission.ofRules(Grants.rules(wake)));
    granted.addAll(KubePermission.ofRules(Grants.storeRules(store)));
    Set<KubePermission> used =
        new TreeSet<>(KubePermission.ofAudit(sandbox.auditLog(), ROLE_USER, from));
    assertTrue(!used.isEmpty(), "the role's session read the cluster");
    assertTrue(granted.containsAll(used), used + " beyond the roles " + granted);
  }

  private Grants.Outcome hold(TestSandbox sandbox, String label, String... what) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("hold", "--cluster", "dev", "--region", "eu-west-1"));
    args.addAll(List.of(what));
    return asOperator(sandbox, label, args.toArray(String[]::new));
  }

  private Grants.Outcome reconcile(TestSandbox sandbox, Path fleet, String label) throws Exception {
    return asOperator(
        sandbox,
        label,
        "reconcile",
        "--fleet",
        fleet.toString(),
        "--cluster",
        "dev",
        "--state",
        "kubernetes");
  }

  /** The command as the operator, its AWS calls in LABEL.aws-calls and its output in LABEL.log. */
  private Grants.Outcome asOperator(TestSandbox sandbox, String label, String... args)
      throws Exception {
    return Grants.asOperator(
        sandbox,
        tmp.resolve("home"),
        tmp.resolve(label + ".aws-calls"),
        tmp.resolve(label + ".log"),
        args);
  }

  /** Both policies' statements in one document (an identity of the sandbox has one policy). */
  private static JsonNode merged(JsonNode a, JsonNode b) {
    ObjectNode out = JSON.createObjectNode().put("Version", "2012-10-17");
    ArrayNode statements = out.putArray("Statement");
    int n = 0;
    for (JsonNode policy : List.of(a, b)) {
      for (JsonNode s : policy.path("Statement")) {
        ObjectNode copy = s.deepCopy();
        copy.put("Sid", "S" + n++);
        statements.add(copy);
      }
    }
    return out;
  }

  /** The AWS calls of the operator or of its role's session refused since {@code from}. */
  private static List<String> refusedSince(TestSandbox sandbox, Instant from) throws Exception {
    List<String> out = new ArrayList<>(Grants.refusedAwsCalls(sandbox, from));
    for (String line : Files.readAllLines(sandbox.awsRequestLog())) {
      JsonNode e = JSON.readTree(line);
      if (SESSION.equals(e.path("caller").asText())
          && e.path("status").asInt() >= 400
          && !Instant.parse(e.path("time").asText()).isBefore(from)) {
        out.add(e.path("service").asText() + ":" + e.path("operation").asText());
      }
    }
    return out;
  }
}
