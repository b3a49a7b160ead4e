package io.eksscheduler.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One fresh sandbox of the benchmark: started with {@code eks-sandbox up}, read with the admin
 * kubeconfig outside the timed parts, stopped with {@code down}. The programs timed against it log
 * in as a ServiceAccount of its own, because the admin kubeconfig's user is also the AWS
 * simulator's, whose node and pod deletions would otherwise be counted as the tool's requests.
 */
final class BenchSandbox {

  static final String NAMESPACE = "eks-scheduler-bench";
  static final String SERVICE_ACCOUNT = "hibernate";
  static final String USER = "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;
  private static final Duration KUBECTL_TIMEOUT = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The pods (as {@code namespace/name}) by where they are, and the nodes, as kubectl lists them.
   */
  record Census(
      Set<String> podKeys, int running, int pending, int terminating, int nodes, int cordoned) {

    int pods() {
      return podKeys.size();
    }
  }

  private final Path dir;
  private final Command admin;
  private final Path benchKubeconfig;

  private BenchSandbox(Path dir, Command admin, Path benchKubeconfig) {
    this.dir = dir;
    this.admin = admin;
    this.benchKubeconfig = benchKubeconfig;
  }

  /** Stops whatever runs in {@code dir}, then starts {@code scenario} there and logs in. */
  static BenchSandbox up(Path jar, Path dir, String scenario, double speed, Command host)
      throws IOException, InterruptedException {
    down(jar, dir, host);
    String exports =
        host.output(
            "sandbox-up",
            Duration.ofMinutes(20),
            List.of(
                java(),
                "-jar",
                jar.toString(),
                "up",
                "--dir",
                dir.toString(),
                "--scenario",
                scenario,
                "--speed",
                Double.toString(speed),
                "--timeout",
                "15m"));
    // The shell reads the export lines as a user's eval would; they hold the sandbox's AWS secret
    // key, so they go through a private file, not a command line.
    Path exportFile = dir.resolveSibling(dir.getFileName() + "-exports.sh");
    writePrivate(exportFile, exports);
    String env;
    try {
      env =
          host.output(
              "sandbox-env",
              Duration.ofSeconds(30),
              List.of("bash", "-c", ". \"$1\" && env -0", "bash", exportFile.toString()));
    } finally {
      Files.delete(exportFile);
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (String entry : env.split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        variables.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    Command admin = host.withEnv(variables);
    Path kubeconfig = dir.resolveSibling(dir.getFileName() + "-bench.kubeconfig");
    BenchSandbox sandbox = new BenchSandbox(dir, admin, kubeconfig);
    sandbox.createBenchIdentity();
    return sandbox;
  }

  /** Stops the sandbox in {@code dir}; nothing happens when none runs there. */
  static void down(Path jar, Path dir, Command host) throws IOException, InterruptedException {
    host.output(
        "sandbox-down",
        Duration.ofMinutes(2),
        List.of(java(), "-jar", jar.toString(), "down", "--dir", dir.toString()));
  }

  /**
   * The sandbox's environment: its admin kubeconfig, AWS endpoint and the first identity's keys.
   */
  Command admin() {
    return admin;
  }

  /** The environment of the timed programs: the sandbox's, with the bench identity's kubeconfig. */
  Command timed() {
    Map<String, String> env = new LinkedHashMap<>(admin.env());
    env.put("KUBECONFIG", benchKubeconfig.toString());
    return admin.withEnv(env);
  }

  Path auditLog() {
    return dir.resolve("logs").resolve("audit.log");
  }

  Path awsRequests() {
    return dir.resolve("aws").resolve("requests.jsonl");
  }

  /** Where the simulator's request log ends now (it creates the log at its first request). */
  long awsRequestsEnd() throws IOException {
    return Files.exists(awsRequests()) ? Files.size(awsRequests()) : 0;
  }

  /** The simulator's requests from {@code offset} on, counted by operation. */
  String awsRequestsFrom(long offset) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    int total = 0;
    byte[] bytes = Files.readAllBytes(awsRequests());
    String text = new String(bytes, (int) offset, bytes.length - (int) offset, UTF_8);
    for (String line : text.lines().filter(l -> !l.isBlank()).toList()) {
      JsonNode request = JSON.readTree(line);
      counts.merge(request.path("operation").asText(), 1, Integer::sum);
      total++;
    }
    return total + " " + counts;
  }

  /** The simulator's settings: its delays before the speed factor, and the speed. */
  JsonNode settings() throws IOException, InterruptedException {
    return simulator("settings");
  }

  /** The simulator's counters ({@code terminatedPastEvictionLimit}). */
  JsonNode counters() throws IOException, InterruptedException {
    return simulator("counters");
  }

  private JsonNode simulator(String what) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(admin.env().get("AWS_ENDPOINT_URL") + "/_sandbox/" + what))
                    .timeout(KUBECTL_TIMEOUT)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("/_sandbox/" + what + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  /** Every object of {@code kinds} (e.g. {@code deployments,statefulsets}) in all namespaces. */
  JsonNode list(String kinds) throws IOException, InterruptedException {
    return JSON.readTree(kubectl("get", kinds, "-A", "-o", "json")).path("items");
  }

  /**
   * Scales Deployments of one namespace to {@code replicas} with one kubectl call, its stderr in
   * {@code logs/NAME.err} (calls running together need their own names).
   */
  void scale(String name, String namespace, int replicas, List<String> deployments)
      throws IOException, InterruptedException {
    List<String> argv =
        new ArrayList<>(
            List.of("kubectl", "-n", namespace, "scale", "deployment", "--replicas=" + replicas));
    argv.addAll(deployments);
    admin.output(name, KUBECTL_TIMEOUT, argv);
  }

  /** The pods of {@code namespace}, terminating ones included. */
  int podCount(String namespace) throws IOException, InterruptedException {
    return lines(kubectl("-n", namespace, "get", "pods", "--no-headers", "-o", "name")).size();
  }

  /** Waits until the cluster has no Node left, failing after {@code timeout}. */
  void awaitNoNode(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!nodeNames().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(nodeNames().size() + " nodes still there after " + timeout);
      }
      Thread.sleep(1000);
    }
  }

  List<String> nodeNames() throws IOException, InterruptedException {
    return lines(kubectl("get", "nodes", "--no-headers", "-o", "custom-columns=N:.metadata.name"));
  }

  /** The grace period the scenario's Deployment pods got (the sandbox divides it by the speed). */
  String podGracePeriod() throws IOException, InterruptedException {
    return kubectl(
            "get",
            "pods",
            "-n",
            "load-0",
            "-o",
            "jsonpath={.items[0].spec.terminationGracePeriodSeconds}")
        .strip();
  }

  Census census() throws IOException, InterruptedException {
    Set<String> keys = new HashSet<>();
    int running = 0;
    int pending = 0;
    int terminating = 0;
    for (String line :
        lines(
            kubectl(
                "get",
                "pods",
                "-A",
                "--no-headers",
                "-o",
                "custom-columns=NS:.metadata.namespace,N:.metadata.name,P:.status.phase,"
                    + "D:.metadata.deletionTimestamp"))) {
      String[] cols = line.trim().split("\\s+");
      keys.add(cols[0] + "/" + cols[1]);
      if (!"<none>".equals(cols[3])) {
        terminating++;
      } else if ("Running".equals(cols[2])) {
        running++;
      } else if ("Pending".equals(cols[2])) {
        pending++;
      }
    }
    int nodes = 0;
    int cordoned = 0;
    for (String line :
        lines(
            kubectl(
                "get", "nodes", "--no-headers", "-o", "custom-columns=U:.spec.unschedulable"))) {
      nodes++;
      if ("true".equals(line.trim())) {
        cordoned++;
      }
    }
    return new Census(Set.copyOf(keys), running, pending, terminating, nodes, cordoned);
  }

  /** A ServiceAccount bound to cluster-admin and a kubeconfig holding its token (mode 600). */
  private void createBenchIdentity() throws IOException, InterruptedException {
    kubectl("create", "namespace", NAMESPACE);
    kubectl("-n", NAMESPACE, "create", "serviceaccount", SERVICE_ACCOUNT);
    kubectl(
        "create",
        "clusterrolebinding",
        NAMESPACE + "-" + SERVICE_ACCOUNT,
        "--clusterrole=cluster-admin",
        "--serviceaccount=" + NAMESPACE + ":" + SERVICE_ACCOUNT);
    String token =
        kubectl("-n", NAMESPACE, "create", "token", SERVICE_ACCOUNT, "--duration=4h").strip();
    String server =
        kubectl(
            "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}");
    String ca =
        kubectl(
            "config",
            "view",
            "--raw",
            "--minify",
            "-o",
            "jsonpath={.clusters[0].cluster.certificate-authority-data}");
    String text =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: sandbox",
            "  cluster: {server: \""
                + server.strip()
                + "\", certificate-authority-data: "
                + ca.strip()
                + "}",
            "users:",
            "- name: bench",
            "  user: {token: " + token + "}",
            "contexts:",
            "- name: bench",
            "  context: {cluster: sandbox, user: bench}",
            "current-context: bench",
            "");
    writePrivate(benchKubeconfig, text);
  }

  /** Writes {@code text} to a file only its owner can read (mode 600). */
  private static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
  }

  private String kubectl(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add("kubectl");
    argv.addAll(List.of(args));
    return admin.output("kubectl", KUBECTL_TIMEOUT, argv);
  }

  private static List<String> lines(String text) {
    return text.lines().filter(l -> !l.isBlank()).toList();
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
