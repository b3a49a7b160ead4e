package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.cli.testing.Jvm;
import io.eksscheduler.sandbox.SandboxIdentity;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.eksscheduler.sandbox.kube.ManifestApplier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What the security tests grant and how they run the CLI as the grantee: the ClusterRoles of
 * deploy/rbac.yaml and the IAM policies of docs/, read as shipped and cut down by one verb or one
 * action; and a command run as the sandbox identity {@code operator} would run it, with AWS keys
 * only (no kubeconfig, no AWS profile: Kubernetes reached through an EKS token), its AWS calls
 * recorded.
 */
final class Grants {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final Path RBAC = ROOT.resolve("deploy/rbac.yaml");
  static final String OPERATOR = "operator";

  /** The Kubernetes user the sandbox maps the operator's IAM identity to. */
  static final String USER = "eks-scheduler-operator";

  private static final Duration DEADLINE = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Grants() {}

  /** What a command run as the operator printed and how it ended. */
  record Outcome(int code, String output) {}

  /**
   * The ClusterRole {@code name} of deploy/rbac.yaml and its binding, without the other role, which
   * is bound to the same group and would grant what a test takes away.
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> role(String name) throws IOException {
    List<Map<String, Object>> out =
        yaml(Files.readString(RBAC)).stream()
            .filter(m -> String.valueOf(m.get("kind")).startsWith("ClusterRole"))
            .filter(m -> name.equals(((Map<String, Object>) m.get("metadata")).get("name")))
            .toList();
    assertEquals(2, out.size(), "ClusterRole and ClusterRoleBinding " + name + " in " + RBAC);
    return out;
  }

  /** The run store's Namespace, Role and RoleBinding of deploy/rbac.yaml. */
  static List<Map<String, Object>> storeRole() throws IOException {
    List<Map<String, Object>> out =
        yaml(Files.readString(RBAC)).stream()
            .filter(
                m ->
                    "Namespace".equals(m.get("kind"))
                        || "Role".equals(m.get("kind"))
                        || "RoleBinding".equals(m.get("kind")))
            .toList();
    assertEquals(3, out.size(), "the store's Namespace, Role and RoleBinding in " + RBAC);
    return out;
  }

  /** The rules of the store's Role among {@code manifests}. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> storeRules(List<Map<String, Object>> manifests) {
    return manifests.stream()
        .filter(m -> "Role".equals(m.get("kind")))
        .findFirst()
        .map(m -> (List<Map<String, Object>>) m.get("rules"))
        .orElseThrow(() -> new AssertionError("no Role in " + RBAC));
  }

  /**
   * A finished run in the cluster store, last updated longer ago than the retention, so that the
   * next run created deletes it (and the role's delete rules are used).
   */
  static void oldRun(TestSandbox sandbox) throws IOException {
    java.time.Instant then =
        java.time.Instant.now()
            .minus(io.eksscheduler.cli.store.ClusterRunStore.DEFAULT_RETENTION)
            .minus(Duration.ofDays(1));
    try (var store =
        io.eksscheduler.cli.store.ClusterStores.open(
            sandbox.adminClient(),
            io.eksscheduler.cli.store.ClusterStores.DEFAULT_NAMESPACE,
            new io.eksscheduler.cli.store.Fence(),
            Duration.ofSeconds(60),
            java.time.Clock.fixed(then, java.time.ZoneOffset.UTC),
            io.eksscheduler.engine.spi.Sleeper.system(),
            "seed",
            line -> {})) {
      store.create(
          new io.eksscheduler.engine.state.RunState(
              io.eksscheduler.engine.state.RunState.VERSION,
              "old-run",
              "hibernate",
              "eks-scheduler:playbooks/hibernate.yaml",
              "sha256:old",
              Map.of("cluster", "dev"),
              "cluster/dev",
              io.eksscheduler.engine.state.RunStatus.SUCCEEDED,
              io.eksscheduler.engine.state.RunState.FINALLY,
              "succeeded",
              1,
              then,
              then,
              1,
              "seed",
              0,
              Map.of()),
          "# an old run\n");
    }
  }

  static void apply(TestSandbox sandbox, List<Map<String, Object>> manifests) {
    new ManifestApplier(sandbox.adminClient()).applyAll(manifests);
  }

  /**
   * A HelmRelease and a NodeClaim (the dev scenario installs their CRDs): kinds the dev scenario
   * has no object of, which the stop pauses or deletes and the wake resumes, so that every rule of
   * the roles is used.
   */
  static void applyMoreKinds(TestSandbox sandbox) throws IOException {
    try (InputStream in = Grants.class.getResourceAsStream("/security/more-kinds.yaml")) {
      apply(sandbox, yaml(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
  }

  /** The rules of the ClusterRole among {@code manifests}. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(List<Map<String, Object>> manifests) {
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
  static List<Map<String, Object>> withoutVerb(
      List<Map<String, Object>> manifests, String group, String resource, String verb) {
    List<Map<String, Object>> copy = new ArrayList<>();
    for (Map<String, Object> m : manifests) {
      Map<String, Object> c = new LinkedHashMap<>(m);
      if ("ClusterRole".equals(m.get("kind"))) {
        c.put("rules", new ArrayList<>((List<Map<String, Object>>) m.get("rules")));
      }
      copy.add(c);
    }
    List<Map<String, Object>> rules = rules(copy);
    List<Map<String, Object>> changed = new ArrayList<>();
    boolean found = false;
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
      found |= fewer.remove(verb);
      if (!fewer.isEmpty()) {
        changed.add(Map.of("apiGroups", groups, "resources", List.of(resource), "verbs", fewer));
      }
    }
    assertTrue(found, verb + " is not granted on " + resource);
    rules.clear();
    rules.addAll(changed);
    return copy;
  }

  /** Every action named in the policy's statements. */
  static Set<String> actions(JsonNode policy) {
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

  /** The policy in docs/{@code file}. */
  static JsonNode policy(String file) throws IOException {
    return JSON.readTree(Files.readString(ROOT.resolve("docs").resolve(file)));
  }

  /** The policy with {@code action} taken out, and any statement left with no action. */
  static JsonNode withoutAction(JsonNode policy, String action) {
    ObjectNode copy = policy.deepCopy();
    int before = actions(policy).size();
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
    copy.set("Statement", kept);
    assertEquals(before - 1, actions(copy).size(), action + " is not in the policy");
    return copy;
  }

  /** Gives the operator's AWS identity {@code policy} (replacing what it had). */
  static void usePolicy(TestSandbox sandbox, JsonNode policy) {
    SandboxIdentity.of(sandbox.sandbox(), OPERATOR).usePolicy(policy.toString());
  }

  /** The message the simulator answers an operator's call with when its policy lacks the action. */
  static String notAuthorized(String action) {
    return "arn:aws:iam::111122223333:user/"
        + USER
        + " is not authorized to perform: "
        + action
        + " on resource:";
  }

  /** The message the API server answers the operator with when its role lacks the verb. */
  static String cannot(String verb, String resource, String group) {
    return "User \""
        + USER
        + "\" cannot "
        + verb
        + " resource \""
        + resource
        + "\""
        + (group.isEmpty() ? "" : " in API group \"" + group + "\"");
  }

  /**
   * Runs {@code eks-scheduler ARGS --eks-login} in a JVM of its own as the operator would: its AWS
   * keys in the environment, {@code home} as an empty home, no kubeconfig, its AWS calls recorded
   * in {@code calls}, its output in {@code log}.
   */
  static Outcome asOperator(TestSandbox sandbox, Path home, Path calls, Path log, String... args)
      throws IOException, InterruptedException {
    return asOperator(sandbox, home, calls, log, true, args);
  }

  /**
   * As {@link #asOperator(TestSandbox, Path, Path, Path, String...)}, adding {@code --eks-login}
   * only when {@code eksLogin} (fleet status always logs in through EKS and has no such option).
   */
  static Outcome asOperator(
      TestSandbox sandbox, Path home, Path calls, Path log, boolean eksLogin, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(home);
    Map<String, String> env =
        new LinkedHashMap<>(
            SandboxIdentity.of(sandbox.sandbox(), OPERATOR).awsEnvironment().variables());
    env.put("HOME", home.toString());
    env.put("KUBECONFIG", "");
    env.put(AwsCallRecorder.ENV, calls.toString());
    List<String> argv = new ArrayList<>(List.of(args));
    if (eksLogin) {
      argv.add("--eks-login");
    }
    long start = System.nanoTime();
    Process process = Jvm.start(log, env, null, argv.toArray(String[]::new));
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          args[0] + " still running after " + DEADLINE + ":\n" + Files.readString(log));
    }
    System.err.printf(
        "[security] %s exited %d after %d ms%n",
        args[0], process.exitValue(), Duration.ofNanos(System.nanoTime() - start).toMillis());
    return new Outcome(process.exitValue(), Files.readString(log));
  }

  /** The operator's AWS calls that the simulator refused since {@code from}. */
  static List<String> refusedAwsCalls(TestSandbox sandbox, Instant from) throws IOException {
    String arn = SandboxIdentity.of(sandbox.sandbox(), OPERATOR).identity().arn();
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(sandbox.awsRequestLog())) {
      JsonNode entry = JSON.readTree(line);
      if (arn.equals(entry.path("caller").asText())
          && entry.path("status").asInt() >= 400
          && !Instant.parse(entry.path("time").asText()).isBefore(from)) {
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

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yaml(String text) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
      if (doc != null) {
        out.add((Map<String, Object>) doc);
      }
    }
    return out;
  }
}
