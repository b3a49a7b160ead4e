package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.cli.testing.Jvm;
import io.eksscheduler.sandbox.SandboxIdentity;
import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.kube.ManifestApplier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Proves that deploy/rbac.yaml and docs/iam-policy.json are what {@code eks-scheduler stop} needs,
 * no more and no less: a stop run as an operator who has only them (Kubernetes reached through an
 * EKS token, no kubeconfig) succeeds, calls exactly the Kubernetes rules and AWS actions granted,
 * and fails naming what is missing when one verb or one action is taken away. Each test starts from
 * a fresh dev scenario, and the next test class finds one too.
 */
@ExtendWith(SandboxExtension.class)
class HibernateSecurityIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path RBAC = ROOT.resolve("deploy/rbac.yaml");
  private static final Path IAM_POLICY = ROOT.resolve("docs/iam-policy.json");
  private static final String OPERATOR = "operator";
  private static final String USER = "eks-scheduler-operator";
  private static final Duration STOP_DEADLINE = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

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
    List<Map<String, Object>> rbac = hibernateRole();
    apply(sandbox, rbac);
    applyMoreKinds(sandbox);
    String policy = Files.readString(IAM_POLICY);
    SandboxIdentity.of(sandbox.sandbox(), OPERATOR).usePolicy(policy);
    Path calls = tmp.resolve("aws-calls");

    Stop stop = stop(sandbox, calls);

    assertEquals(0, stop.code(), stop.output());
    assertEquals(
        new TreeSet<>(KubePermission.ofRules(rules(rbac))),
        new TreeSet<>(KubePermission.ofAudit(sandbox.auditLog(), USER)),
        "the role's rules are exactly what the stop used");
    assertEquals(actions(JSON.readTree(policy)), new TreeSet<>(Files.readAllLines(calls)));
    assertEquals(List.of(), refusedAwsCalls(sandbox));
  }

  @Test
  void aStopWithoutOneVerbFailsNamingTheResourceAndTheVerb(TestSandbox sandbox) throws Exception {
    apply(sandbox, withoutVerb(hibernateRole(), "apps", "deployments", "patch"));
    SandboxIdentity.of(sandbox.sandbox(), OPERATOR).usePolicy(Files.readString(IAM_POLICY));

    Stop stop = stop(sandbox, tmp.resolve("aws-calls"));

    assertNotEquals(0, stop.code(), stop.output());
    assertTrue(
        stop.output()
            .contains(
                "User \""
                    + USER
                    + "\" cannot patch resource \"deployments\" in API group \"apps\""),
        stop.output());
  }

  @Test
  void aStopWithoutOneIamActionFailsNamingTheAction(TestSandbox sandbox) throws Exception {
    apply(sandbox, hibernateRole());
    JsonNode policy = JSON.readTree(Files.readString(IAM_POLICY));
    SandboxIdentity.of(sandbox.sandbox(), OPERATOR)
        .usePolicy(withoutAction(policy, "eks:UpdateNodegroupConfig").toString());

    Stop stop = stop(sandbox, tmp.resolve("aws-calls"));

    assertNotEquals(0, stop.code(), stop.output());
    assertTrue(
        stop.output()
            .contains(
                "arn:aws:iam::111122223333:user/"
                    + USER
                    + " is not authorized to perform: eks:UpdateNodegroupConfig on resource:"),
        stop.output());
  }

  /** What a stop printed and how it ended. */
  private record Stop(int code, String output) {}

  /**
   * Runs {@code stop --cluster dev --eks-login} in a JVM of its own as the operator would: AWS keys
   * in the environment, an empty home (no kubeconfig, no AWS profile), its AWS calls recorded.
   */
  private Stop stop(TestSandbox sandbox, Path calls) throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path log = tmp.resolve("stop.log");
    Map<String, String> env =
        new LinkedHashMap<>(
            SandboxIdentity.of(sandbox.sandbox(), OPERATOR).awsEnvironment().variables());
    env.put("HOME", home.toString());
    env.put("KUBECONFIG", "");
    env.put(AwsCallRecorder.ENV, calls.toString());
    long start = System.nanoTime();
    Process process =
        Jvm.start(
            log,
            env,
            null,
            "stop",
            "--cluster",
            "dev",
            "--eks-login",
            "--state-dir",
            tmp.resolve("state").toString());
    if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "stop still running after " + STOP_DEADLINE + ":\n" + Files.readString(log));
    }
    System.err.printf(
        "[hibernate-security] stop exited %d after %d ms%n",
        process.exitValue(), Duration.ofNanos(System.nanoTime() - start).toMillis());
    return new Stop(process.exitValue(), Files.readString(log));
  }

  private static void apply(TestSandbox sandbox, List<Map<String, Object>> manifests) {
    new ManifestApplier(sandbox.adminClient()).applyAll(manifests);
  }

  /** A HelmRelease and a NodeClaim, once their CRDs serve them. */
  private static void applyMoreKinds(TestSandbox sandbox) throws IOException {
    List<Map<String, Object>> all;
    try (InputStream in =
        HibernateSecurityIT.class.getResourceAsStream("/hibernate-security/more-kinds.yaml")) {
      all = yaml(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    List<Map<String, Object>> crds =
        all.stream().filter(m -> "CustomResourceDefinition".equals(m.get("kind"))).toList();
    List<Map<String, Object>> objects =
        all.stream().filter(m -> !"CustomResourceDefinition".equals(m.get("kind"))).toList();
    apply(sandbox, crds);
    Wait.until(
        "the HelmRelease and NodeClaim kinds to be served",
        Duration.ofSeconds(30),
        Duration.ofMillis(250),
        () -> {
          try {
            apply(sandbox, objects);
            return Optional.empty();
          } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
          }
        });
  }

  /** The rules of the ClusterRole among {@code manifests}. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules(List<Map<String, Object>> manifests) {
    return manifests.stream()
        .filter(m -> "ClusterRole".equals(m.get("kind")))
        .findFirst()
        .map(m -> (List<Map<String, Object>>) m.get("rules"))
        .orElseThrow(() -> new AssertionError("no ClusterRole in " + RBAC));
  }

  /**
   * The manifests with {@code verb} taken from {@code resource} of {@code group} only: the rule
   * granting it is split if it names other resources.
   */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> withoutVerb(
      List<Map<String, Object>> manifests, String group, String resource, String verb) {
    List<Map<String, Object>> rules = rules(manifests);
    List<Map<String, Object>> changed = new ArrayList<>();
    for (Map<String, Object> rule : rules) {
      List<String> groups = (List<String>) rule.get("apiGroups");
      List<String> resources = (List<String>) rule.get("resources");
      List<String> verbs = (List<String>) rule.get("verbs");
      if (!groups.equals(List.of(group)) || !resources.contains(resource)) {
        changed.add(rule);
        continue;
      }
      List<String> others = new ArrayList<>(resources);
      others.remove(resource);
      if (!others.isEmpty()) {
        changed.add(Map.of("apiGroups", groups, "resources", others, "verbs", verbs));
      }
      List<String> fewer = new ArrayList<>(verbs);
      assertTrue(fewer.remove(verb), verb + " is not granted on " + resource);
      changed.add(Map.of("apiGroups", groups, "resources", List.of(resource), "verbs", fewer));
    }
    rules.clear();
    rules.addAll(changed);
    return manifests;
  }

  /** Every action named in the policy's statements. */
  private static Set<String> actions(JsonNode policy) {
    Set<String> out = new TreeSet<>();
    for (JsonNode statement : policy.path("Statement")) {
      JsonNode action = statement.path("Action");
      if (action.isTextual()) {
        out.add(action.asText());
      } else {
        action.forEach(a -> out.add(a.asText()));
      }
    }
    return out;
  }

  /** The policy with {@code action} taken out, and any statement left with no action. */
  private static JsonNode withoutAction(JsonNode policy, String action) {
    ObjectNode copy = policy.deepCopy();
    ArrayNode kept = JSON.createArrayNode();
    for (JsonNode statement : copy.path("Statement")) {
      ArrayNode actions = JSON.createArrayNode();
      JsonNode listed = statement.path("Action");
      Iterable<JsonNode> each = listed.isTextual() ? List.of(listed) : listed;
      for (JsonNode a : each) {
        if (!a.asText().equals(action)) {
          actions.add(a.asText());
        }
      }
      if (!actions.isEmpty()) {
        ((ObjectNode) statement).set("Action", actions);
        kept.add(statement);
      }
    }
    int before = actions(copy).size();
    copy.set("Statement", kept);
    assertEquals(before - 1, actions(copy).size(), action + " is not in " + IAM_POLICY);
    return copy;
  }

  /** The operator's AWS calls that the simulator refused, as "service:Operation status". */
  private static List<String> refusedAwsCalls(TestSandbox sandbox) throws IOException {
    String arn = SandboxIdentity.of(sandbox.sandbox(), OPERATOR).identity().arn();
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(sandbox.awsRequestLog())) {
      JsonNode entry = JSON.readTree(line);
      if (arn.equals(entry.path("caller").asText()) && entry.path("status").asInt() >= 400) {
        out.add(
            entry.path("service").asText()
                + ":"
                + entry.path("operation").asText()
                + " "
                + entry.path("status").asInt());
      }
    }
    return out;
  }

  /**
   * The stop's ClusterRole and its binding from deploy/rbac.yaml, without the wake's role, which is
   * bound to the same group and would grant what a test takes away.
   */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> hibernateRole() throws java.io.IOException {
    return yaml(Files.readString(RBAC)).stream()
        .filter(m -> "eks-scheduler".equals(((Map<String, Object>) m.get("metadata")).get("name")))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yaml(String text) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
      if (doc != null) {
        out.add((Map<String, Object>) doc);
      }
    }
    return out;
  }
}
