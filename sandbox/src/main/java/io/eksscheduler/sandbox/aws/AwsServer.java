package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eksscheduler.sandbox.controlplane.KwokStages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulator's one HTTP endpoint ({@code AWS_ENDPOINT_URL}): EKS, Auto Scaling and STS told
 * apart by the credential scope of the SigV4 signature, as a single endpoint must, each call
 * checked against the caller's IAM policy if it has one, plus the sandbox's own paths under {@code
 * /_sandbox/} (health, the API server's token webhook, fault settings and counts, the request log,
 * the identities' IAM policies), which no AWS SDK uses.
 */
public final class AwsServer implements AutoCloseable {

  public static final String ADMIN_PREFIX = "/_sandbox/";
  public static final String STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
  private static final int MAX_BODY = 1 << 20;
  private static final String IDENTITIES = "identities/";
  private static final String POLICY = "/policy";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Simulator simulator;
  private final Simulators simulators;
  private final RequestVerifier verifier;
  private final Map<String, TokenReviewer> tokens = new java.util.LinkedHashMap<>();
  private final Map<Simulator, EksApi> eksOf = new java.util.IdentityHashMap<>();
  private final Map<Simulator, AutoScalingApi> autoscalingOf = new java.util.IdentityHashMap<>();
  private final Map<Simulator, IamAuthorizer> iamOf = new java.util.IdentityHashMap<>();
  private final Faults faults;
  private final RequestLog log;
  private final Path logFile;
  private final IamAuthorizer iam;
  private final StsApi sts;
  private final PricingApi pricing = new PricingApi();
  private final HttpServer server;
  private final ExecutorService executor;

  public AwsServer(
      Simulator simulator, RequestVerifier verifier, Sessions sessions, Faults faults, Path logFile)
      throws IOException {
    this(new Simulators(simulator, List.of()), verifier, sessions, faults, logFile);
  }

  /**
   * Serves every cluster of {@code simulators} from the primary's port; the account's IAM policies
   * are the primary's.
   */
  public AwsServer(
      Simulators simulators,
      RequestVerifier verifier,
      Sessions sessions,
      Faults faults,
      Path logFile)
      throws IOException {
    this.simulator = simulators.primary();
    this.simulators = simulators;
    this.verifier = verifier;
    this.faults = faults;
    this.logFile = logFile;
    this.log = new RequestLog(logFile);
    for (Simulator s : simulators.all()) {
      tokens.put(
          s.config().clusterName(),
          new TokenReviewer(verifier, s.config().clusterName(), s.config().region()));
      eksOf.put(s, new EksApi(s));
      autoscalingOf.put(s, new AutoScalingApi(s));
      iamOf.put(s, new IamAuthorizer(s, simulator));
    }
    this.iam = iamOf.get(simulator);
    this.sts = new StsApi(simulator.config(), sessions, iam);
    this.server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", simulator.config().port()), 64);
    this.executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      byte[] body = readBody(exchange.getRequestBody());
      if (path.startsWith(ADMIN_PREFIX)) {
        admin(exchange, path.substring(ADMIN_PREFIX.length()), body);
      } else {
        aws(exchange, body);
      }
    } catch (RuntimeException e) {
      // A bug, not a client error: answer 500 and keep its trace in the simulator's log.
      e.printStackTrace(System.out);
      throw e;
    }
  }

  private void aws(HttpExchange exchange, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    URI uri = exchange.getRequestURI();
    Map<String, List<String>> headers = exchange.getRequestHeaders();
    String requestId = UUID.randomUUID().toString();
    String service = guessService(method, uri.getRawPath(), headers);
    // Named before the signature is checked, so that refused calls are logged with their name.
    String operation =
        service.equals("eks")
            ? EksApi.route(method, uri.getRawPath()).map(EksApi.Route::operation).orElse("unknown")
            : service.equals("pricing")
                ? PricingApi.operation(SigV4.headerValues(headers, "x-amz-target"))
                : FormParameters.parse(new String(body, StandardCharsets.UTF_8))
                    .getOrDefault("Action", "unknown");
    String caller = "-";
    boolean mutating = false;
    String injected = null;
    int status;
    Answer answer;
    String errorCode = null;
    try {
      RequestVerifier.Verified verified;
      if (SigV4.headerValues(headers, "authorization").isEmpty()
          && uri.getRawQuery() != null
          && uri.getRawQuery().contains("X-Amz-Signature=")) {
        String host = SigV4.headerValues(headers, "host").stream().findFirst().orElse("127.0.0.1");
        verified =
            verifier.verifyPresigned(
                URI.create("http://" + host + uri.getRawPath() + "?" + uri.getRawQuery()), headers);
      } else {
        verified =
            verifier.verifyHeader(method, uri.getRawPath(), uri.getRawQuery(), headers, body);
      }
      service = verified.credential().service();
      caller = verified.identity().arn();
      AwsRequest request =
          new AwsRequest(
              method,
              uri.getRawPath(),
              uri.getRawQuery(),
              body,
              verified.identity(),
              service,
              verified.credential().region());
      if (service.equals("pricing")) {
        PricingApi.checkRegion(verified.credential().region());
      } else if (!verified.credential().region().equals(simulator.config().region())
          && !service.equals("sts")) {
        throw new AwsError(
            403,
            json(service) ? "InvalidSignatureException" : "SignatureDoesNotMatch",
            "Credential should be scoped to a valid region, not '"
                + verified.credential().region()
                + "'.");
      }
      switch (service) {
        case "eks" -> {
          EksApi.Route route =
              EksApi.route(method, uri.getRawPath())
                  .orElseThrow(
                      () ->
                          new AwsError(
                              404,
                              "UnknownOperationException",
                              "No operation at " + method + " " + uri.getRawPath()));
          operation = route.operation();
          mutating = route.mutating();
          Simulator target = eksTarget(route);
          IamAuthorizer targetIam = iamOf.get(target);
          targetIam.authorize(verified.identity(), service, targetIam.eks(route, request));
          Faults.Decision decision = faults.decide(service, operation);
          injected = describe(decision);
          apply(decision);
          JsonNode out =
              operation.equals("ListClusters")
                  ? listClusters()
                  : eksOf.get(target).execute(route, request);
          status = 200;
          answer =
              new Answer(200, "application/json", JSON.writeValueAsBytes(out), requestId, null);
        }
        case "pricing" -> {
          iam.authorize(
              verified.identity(),
              service,
              new IamAuthorizer.Request(
                  "pricing:" + operation, List.of(new IamAuthorizer.Target("*", Map.of()))));
          Faults.Decision decision = faults.decide(service, operation);
          injected = describe(decision);
          apply(decision);
          JsonNode out = pricing.execute(operation, body);
          status = 200;
          answer =
              new Answer(
                  200, "application/x-amz-json-1.1", JSON.writeValueAsBytes(out), requestId, null);
        }
        case "autoscaling", "sts" -> {
          Map<String, String> form = request.form();
          operation = form.getOrDefault("Action", "unknown");
          boolean known =
              service.equals("sts")
                  ? StsApi.OPERATIONS.contains(operation)
                  : AutoScalingApi.OPERATIONS.contains(operation);
          if (!known) {
            throw new AwsError(
                400,
                "InvalidAction",
                "Could not find operation " + operation + " for version " + form.get("Version"));
          }
          mutating = AutoScalingApi.MUTATING.contains(operation);
          Simulator target = service.equals("autoscaling") ? asgTarget(form) : simulator;
          if (service.equals("autoscaling")) {
            IamAuthorizer targetIam = iamOf.get(target);
            targetIam.authorize(
                verified.identity(), service, targetIam.autoscaling(operation, form));
          }
          Faults.Decision decision = faults.decide(service, operation);
          injected = describe(decision);
          apply(decision);
          String result =
              service.equals("sts")
                  ? sts.execute(operation, form, verified.identity())
                  : autoscaling(target, operation, form);
          status = 200;
          answer =
              new Answer(
                  200,
                  "text/xml",
                  Xml.response(namespace(service), operation, result, requestId)
                      .getBytes(StandardCharsets.UTF_8),
                  requestId,
                  null);
        }
        default ->
            throw new AwsError(
                400, "UnknownService", "The sandbox does not simulate service '" + service + "'");
      }
    } catch (RequestVerifier.Refused e) {
      AwsError error = authError(service, e);
      status = error.status();
      errorCode = error.code();
      answer = errorAnswer(service, error, requestId);
    } catch (AwsError e) {
      status = e.status();
      errorCode = e.code();
      answer = errorAnswer(service, e, requestId);
    }
    log.append(
        new RequestLog.Entry(
            Instant.now().toString(),
            service,
            operation,
            caller,
            mutating,
            status,
            errorCode,
            injected,
            exchange.getRequestHeaders().getFirst("User-Agent")));
    // Logged before answering: a client that reads the log after its call sees the call.
    respond(
        exchange,
        answer.status(),
        answer.contentType(),
        answer.body(),
        answer.requestId(),
        answer.errorType());
  }

  /**
   * The cluster an EKS call is about: named in its path, or owning the ARN it tags; the primary
   * when none is (its own checks then answer the 404 EKS would).
   */
  private Simulator eksTarget(EksApi.Route route) {
    List<String> s = route.segments();
    if (s.size() >= 2 && s.get(0).equals("clusters")) {
      return simulators.byCluster(s.get(1)).orElse(simulator);
    }
    if (s.size() >= 2 && s.get(0).equals("tags")) {
      return simulators.byEksArn(s.get(1)).orElse(simulator);
    }
    return simulator;
  }

  /** ListClusters: every cluster of the account, in one page. */
  private JsonNode listClusters() {
    ObjectNode out = JSON.createObjectNode();
    var names = out.putArray("clusters");
    simulators.all().forEach(s -> names.add(s.config().clusterName()));
    return out;
  }

  /** The cluster an Auto Scaling call names a group of (the primary when it names none). */
  private Simulator asgTarget(Map<String, String> form) {
    String name = form.get("AutoScalingGroupName");
    if (name == null) {
      name = form.get("Tags.member.1.ResourceId");
    }
    return name == null ? simulator : simulators.byAsgName(name).orElse(simulator);
  }

  /**
   * An Auto Scaling call: on the cluster owning the group it names; a Describe of several clusters
   * answers their groups or tags together, in one page.
   */
  private String autoscaling(Simulator target, String operation, Map<String, String> form) {
    String element =
        switch (operation) {
          case "DescribeAutoScalingGroups" -> "AutoScalingGroups";
          case "DescribeTags" -> "Tags";
          default -> null;
        };
    if (element == null || simulators.all().size() == 1) {
      return autoscalingOf.get(target).execute(operation, form);
    }
    Map<String, String> whole = new java.util.LinkedHashMap<>(form);
    whole.remove("NextToken");
    whole.remove("MaxRecords");
    StringBuilder members = new StringBuilder();
    for (Simulator s : simulators.all()) {
      String xml = autoscalingOf.get(s).execute(operation, whole);
      int from = xml.indexOf("<" + element + ">");
      int to = xml.indexOf("</" + element + ">");
      if (from >= 0 && to > from) {
        members.append(xml, from + element.length() + 2, to);
      }
    }
    return "<" + element + ">" + members + "</" + element + ">";
  }

  /** An HTTP answer prepared before it is sent. */
  record Answer(int status, String contentType, byte[] body, String requestId, String errorType) {}

  /** What was injected into a call, for the request log. */
  private static String describe(Faults.Decision decision) {
    if (decision.error().isPresent()) {
      return decision.error().get().status() >= 500 ? "serverError" : "throttle";
    }
    return decision.delayMillis() > 0 ? "latency" : null;
  }

  /** Sleeps the injected latency, then throws the injected error if any. */
  private static void apply(Faults.Decision decision) {
    if (decision.delayMillis() > 0) {
      try {
        Thread.sleep(decision.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AwsError(503, "ServiceUnavailable", "The simulator is stopping");
      }
    }
    decision
        .error()
        .ifPresent(
            e -> {
              throw e;
            });
  }

  private static String namespace(String service) {
    return service.equals("sts") ? STS_NAMESPACE : AutoScalingApi.NAMESPACE;
  }

  /** The service a request is for, before its signature is checked (for the error format). */
  static String guessService(String method, String rawPath, Map<String, List<String>> headers) {
    List<String> auth = SigV4.headerValues(headers, "authorization");
    if (!auth.isEmpty()) {
      try {
        return SigV4.Authorization.parse(auth.get(0)).credential().service();
      } catch (IllegalArgumentException e) {
        // Fall through to the path.
      }
    }
    return method.equals("POST") && (rawPath.equals("/") || rawPath.isEmpty())
        ? "autoscaling"
        : "eks";
  }

  /** Whether the service speaks JSON (rest-json EKS, awsJson1_1 Price List) rather than XML. */
  private static boolean json(String service) {
    return service.equals("eks") || service.equals("pricing");
  }

  private static AwsError authError(String service, RequestVerifier.Refused e) {
    boolean json = json(service);
    String code =
        switch (e.failure()) {
          case MISSING ->
              json ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken";
          case UNKNOWN_KEY -> json ? "UnrecognizedClientException" : "InvalidClientTokenId";
          case BAD_SIGNATURE, EXPIRED ->
              json ? "InvalidSignatureException" : "SignatureDoesNotMatch";
        };
    return new AwsError(403, code, e.getMessage());
  }

  /**
   * An error as the service's protocol answers it: rest-json (EKS), awsJson1_1 (Price List: the
   * code also in {@code __type}) or an awsquery document.
   */
  static Answer errorAnswer(String service, AwsError error, String requestId) {
    if (json(service)) {
      ObjectNode body = JSON.createObjectNode();
      if (service.equals("pricing")) {
        body.put("__type", error.code());
      }
      body.put("message", error.getMessage());
      try {
        return new Answer(
            error.status(),
            "application/json",
            JSON.writeValueAsBytes(body),
            requestId,
            error.code());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("rendering an error: " + e.getMessage(), e);
      }
    }
    return new Answer(
        error.status(),
        "text/xml",
        Xml.error(namespace(service), error, requestId).getBytes(StandardCharsets.UTF_8),
        requestId,
        null);
  }

  private static void respond(
      HttpExchange exchange,
      int status,
      String contentType,
      byte[] body,
      String requestId,
      String errorType)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (requestId != null) {
      exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    }
    if (errorType != null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void admin(HttpExchange exchange, String what, byte[] body) throws IOException {
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
    switch (what) {
      case "health" ->
          respond(exchange, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8), null, null);
      case "tokenreview" -> tokenReview(exchange, body, simulator.config().clusterName());
      case "faults" -> {
        if (method.equals("PUT") || method.equals("POST")) {
          try {
            JsonNode s = JSON.readTree(body);
            List<String> ops =
                s.path("operations").isArray()
                    ? JSON.convertValue(
                        s.path("operations"),
                        JSON.getTypeFactory().constructCollectionType(List.class, String.class))
                    : List.of();
            faults.configure(
                new Faults.Settings(
                    s.path("throttle").asDouble(0),
                    s.path("serverError").asDouble(0),
                    s.path("latency").asDouble(0),
                    s.path("latencyMillis").asLong(0),
                    ops));
            if (s.path("resetCounts").asBoolean(false)) {
              faults.resetCounts();
            }
          } catch (IOException | IllegalArgumentException e) {
            respond(
                exchange,
                400,
                "text/plain",
                ("bad fault settings: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8),
                null,
                null);
            return;
          }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("settings", JSON.valueToTree(faults.settings()));
        out.set("injected", JSON.valueToTree(faults.injected()));
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(out), null, null);
      }
      case "settings" -> {
        if (method.equals("PUT") || method.equals("POST")) {
          JsonNode s;
          try {
            s = JSON.readTree(body);
          } catch (IOException e) {
            respond(
                exchange,
                400,
                "text/plain",
                "settings must be JSON\n".getBytes(StandardCharsets.UTF_8),
                null,
                null);
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
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(out), null, null);
      }
      case "counters" -> {
        int terminated = simulator.read(st -> st.terminatedPastEvictionLimit);
        ObjectNode out = JSON.createObjectNode();
        out.put("terminatedPastEvictionLimit", terminated);
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(out), null, null);
      }
      case "requests" ->
          respond(
              exchange,
              200,
              "application/x-ndjson",
              Files.exists(logFile) ? Files.readAllBytes(logFile) : new byte[0],
              null,
              null);
      default ->
          respond(
              exchange,
              404,
              "text/plain",
              ("no sandbox path " + what + "\n").getBytes(StandardCharsets.UTF_8),
              null,
              null);
    }
  }

  /**
   * An identity's IAM policy: {@code PUT} sets it (the body is the policy document), {@code DELETE}
   * removes it (the identity may call everything again), {@code GET} shows it; each answers {@code
   * {"identity": NAME, "policy": DOCUMENT-or-null}}.
   */
  private void policy(HttpExchange exchange, String method, String name, byte[] body)
      throws IOException {
    if (simulator.config().identities().stream().noneMatch(i -> i.name().equals(name))) {
      text(exchange, 404, "no identity '" + name + "' in the scenario");
      return;
    }
    switch (method) {
      case "PUT" -> {
        IamPolicy parsed;
        try {
          parsed = IamPolicy.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          text(exchange, 400, "bad policy: " + e.getMessage());
          return;
        }
        simulator.mutate(st -> st.policies.put(name, parsed.json()));
      }
      case "DELETE" -> simulator.mutate(st -> st.policies.remove(name));
      case "GET" -> {}
      default -> {
        text(exchange, 405, "use PUT, DELETE or GET");
        return;
      }
    }
    String current = simulator.read(st -> st.policies.get(name));
    ObjectNode out = JSON.createObjectNode().put("identity", name);
    out.set("policy", current == null ? null : JSON.readTree(current));
    respond(exchange, 200, "application/json", JSON.writeValueAsBytes(out), null, null);
  }

  private static void text(HttpExchange exchange, int status, String message) throws IOException {
    respond(
        exchange,
        status,
        "text/plain",
        (message + "\n").getBytes(StandardCharsets.UTF_8),
        null,
        null);
  }

  /** The API server's authentication webhook: a TokenReview in, the same with its status out. */
  private void tokenReview(HttpExchange exchange, byte[] body, String cluster) throws IOException {
    JsonNode review = JSON.readTree(body);
    TokenReviewer reviewer = tokens.get(cluster);
    if (reviewer == null) {
      text(exchange, 404, "no cluster " + cluster);
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
    respond(exchange, 200, "application/json", JSON.writeValueAsBytes(out), null, null);
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new IOException("request body larger than " + MAX_BODY + " bytes");
    }
    return bytes;
  }
}
