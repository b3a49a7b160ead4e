package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.eksscheduler.sandbox.controlplane.KwokStages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's own paths under {@code /_sandbox/}, which no AWS SDK uses: health, the API servers'
 * token webhook, fault settings and counts, simulator settings, the request log and the identities'
 * IAM policies.
 */
final class AdminPaths {
  private static final String IDENTITIES = "identities/";
  private static final String POLICY = "/policy";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Simulator simulator;
  private final Simulators simulators;
  private final Map<String, TokenReviewer> tokens;
  private final Faults faults;
  private final RequestLog log;
  private final Path logFile;

  AdminPaths(
      Simulators simulators,
      Map<String, TokenReviewer> tokens,
      Faults faults,
      RequestLog log,
      Path logFile) {
    this.simulator = simulators.primary();
    this.simulators = simulators;
    this.tokens = tokens;
    this.faults = faults;
    this.log = log;
    this.logFile = logFile;
  }

  void serve(HttpExchange exchange, String what, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    if (what.startsWith(IDENTITIES) && what.endsWith(POLICY)) {
      policy(
          exchange,
          method,
          SigV4.percentDecode(what.substring(IDENTITIES.length(), what.length() - POLICY.length())),
          body);
      return;
    }
    if (what.startsWith("tokenreview/")) {
      tokenReview(exchange, body, what.substring("tokenreview/".length()));
      return;
    }
    boolean write = method.equals("PUT") || method.equals("POST");
    switch (what) {
      case "health" ->
          AwsAnswers.send(exchange, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8));
      case "tokenreview" -> tokenReview(exchange, body, simulator.config().clusterName());
      case "faults" -> faults(exchange, write ? body : null);
      case "settings" -> settings(exchange, write ? body : null);
      case "counters" -> {
        int terminated = simulator.read(st -> st.terminatedPastEvictionLimit);
        AwsAnswers.json(
            exchange, JSON.createObjectNode().put("terminatedPastEvictionLimit", terminated));
      }
      case "requests" ->
          AwsAnswers.send(
              exchange,
              200,
              "application/x-ndjson",
              Files.exists(logFile) ? Files.readAllBytes(logFile) : new byte[0]);
      default -> AwsAnswers.text(exchange, 404, "no sandbox path " + what);
    }
  }

  /** Sets the faults when {@code body} is given, then shows the settings and the counts. */
  private void faults(HttpExchange exchange, byte[] body) throws IOException {
    if (body != null) {
      try {
        JsonNode s = JSON.readTree(body);
        faults.configure(settings(s));
        if (s.path("resetCounts").asBoolean(false)) {
          faults.resetCounts();
        }
      } catch (IOException | IllegalArgumentException e) {
        AwsAnswers.text(exchange, 400, "bad fault settings: " + e.getMessage());
        return;
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("settings", JSON.valueToTree(faults.settings()));
    out.set("injected", JSON.valueToTree(faults.injected()));
    AwsAnswers.json(exchange, out);
  }

  static Faults.Settings settings(JsonNode s) {
    List<String> ops =
        s.path("operations").isArray()
            ? JSON.convertValue(
                s.path("operations"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class))
            : List.of();
    return new Faults.Settings(
        s.path("throttle").asDouble(0),
        s.path("serverError").asDouble(0),
        s.path("latency").asDouble(0),
        s.path("latencyMillis").asLong(0),
        ops,
        s.path("busy").asDouble(0),
        s.path("lostAnswer").asDouble(0),
        s.path("stalledAnswer").asDouble(0),
        s.path("stallMillis").asLong(0),
        s.path("budget").asInt(0));
  }

  /**
   * Sets the eviction timeout and the custom-AMI node groups when {@code body} is given, then shows
   * the simulator's settings.
   */
  private void settings(HttpExchange exchange, byte[] body) throws IOException {
    if (body != null) {
      JsonNode s;
      try {
        s = JSON.readTree(body);
      } catch (IOException e) {
        AwsAnswers.text(exchange, 400, "settings must be JSON");
        return;
      }
      if (s.path("evictionTimeoutSeconds").isNumber()) {
        long millis = s.path("evictionTimeoutSeconds").asLong() * 1000;
        simulators.all().forEach(sim -> sim.mutate(st -> st.evictionTimeoutMillis = millis));
      }
      if (s.path("customAmiNodegroups").isArray()) {
        List<String> groups = new ArrayList<>();
        s.path("customAmiNodegroups").forEach(g -> groups.add(g.asText()));
        simulators.all().forEach(sim -> sim.mutate(st -> st.customAmiNodegroups = groups));
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("evictionTimeoutSeconds", simulator.read(st -> st.evictionTimeoutMillis) / 1000);
    out.set(
        "customAmiNodegroups",
        JSON.valueToTree(simulator.read(st -> List.copyOf(st.customAmiNodegroups))));
    out.put("launchDelaySeconds", simulator.config().launchDelayMillis() / 1000.0);
    out.put("nodeReadySeconds", KwokStages.NODE_READY.toMillis() / 1000.0);
    out.put("podReadySeconds", KwokStages.POD_READY.toMillis() / 1000.0);
    out.put("speed", simulator.config().speed());
    AwsAnswers.json(exchange, out);
  }

  /**
   * An identity's IAM policy: {@code PUT} sets it (the body is the policy document), {@code DELETE}
   * removes it (the identity may call everything again), {@code GET} shows it; each answers {@code
   * {"identity": NAME, "policy": DOCUMENT-or-null}}.
   */
  private void policy(HttpExchange exchange, String method, String name, byte[] body)
      throws IOException {
    if (simulator.config().identities().stream().noneMatch(i -> i.name().equals(name))) {
      AwsAnswers.text(exchange, 404, "no identity '" + name + "' in the scenario");
      return;
    }
    switch (method) {
      case "PUT" -> {
        IamPolicy parsed;
        try {
          parsed = IamPolicy.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          AwsAnswers.text(exchange, 400, "bad policy: " + e.getMessage());
          return;
        }
        simulator.mutate(st -> st.policies.put(name, parsed.json()));
      }
      case "DELETE" -> simulator.mutate(st -> st.policies.remove(name));
      case "GET" -> {}
      default -> {
        AwsAnswers.text(exchange, 405, "use PUT, DELETE or GET");
        return;
      }
    }
    String current = simulator.read(st -> st.policies.get(name));
    ObjectNode out = JSON.createObjectNode().put("identity", name);
    out.set("policy", current == null ? null : JSON.readTree(current));
    AwsAnswers.json(exchange, out);
  }

  /** The API server's authentication webhook: a TokenReview in, the same with its status out. */
  private void tokenReview(HttpExchange exchange, byte[] body, String cluster) throws IOException {
    JsonNode review = JSON.readTree(body);
    TokenReviewer reviewer = tokens.get(cluster);
    if (reviewer == null) {
      AwsAnswers.text(exchange, 404, "no cluster " + cluster);
      return;
    }
    TokenReviewer.Review result = reviewer.review(review.path("spec").path("token").asText(null));
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", review.path("apiVersion").asText("authentication.k8s.io/v1"));
    out.put("kind", "TokenReview");
    ObjectNode status = out.putObject("status");
    status.put("authenticated", result.authenticated());
    if (result.authenticated()) {
      AwsIdentity id = result.identity();
      ObjectNode user = status.putObject("user");
      user.put("username", id.username());
      user.put(
          "uid", "aws-iam-authenticator:" + simulator.config().accountId() + ":" + id.userId());
      id.groups().forEach(user.withArray("groups")::add);
      ObjectNode extra = user.putObject("extra");
      extra.putArray("arn").add(id.arn());
      extra.putArray("canonicalArn").add(id.arn());
      extra.putArray("accessKeyId").add(id.accessKeyId());
    } else {
      status.put("error", result.error());
    }
    log.append(
        new RequestLog.Entry(
            Instant.now().toString(),
            "sts",
            "GetCallerIdentity",
            result.authenticated() ? result.identity().arn() : "-",
            false,
            result.authenticated() ? 200 : 403,
            result.authenticated() ? null : "TokenRefused",
            null,
            null));
    AwsAnswers.json(exchange, out);
  }
}
