package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulator's one HTTP endpoint ({@code AWS_ENDPOINT_URL}): EKS, Auto Scaling, EC2 and STS told
 * apart by the credential scope of the SigV4 signature, as a single endpoint must, each call
 * checked against the caller's IAM policy if it has one and through the injected {@link Faults},
 * plus the sandbox's own paths under {@code /_sandbox/} ({@link AdminPaths}), which no AWS SDK
 * uses. Answers are written as each service's protocol writes them ({@link AwsAnswers}).
 */
public final class AwsServer implements AutoCloseable {

  public static final String ADMIN_PREFIX = "/_sandbox/";
  private static final int MAX_BODY = 1 << 20;
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
  private final AdminPaths admin;
  private final IamAuthorizer iam;
  private final StsApi sts;
  private final PricingApi pricing = new PricingApi();
  private final Ec2Api ec2;
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
    this.log = new RequestLog(logFile);
    for (Simulator s : simulators.all()) {
      tokens.put(
          s.config().clusterName(),
          new TokenReviewer(verifier, s.config().clusterName(), s.config().region()));
      eksOf.put(s, new EksApi(s));
      autoscalingOf.put(s, new AutoScalingApi(s));
      iamOf.put(s, new IamAuthorizer(s, simulator));
    }
    this.admin = new AdminPaths(simulators, tokens, faults, log, logFile);
    this.iam = iamOf.get(simulator);
    this.sts = new StsApi(simulator.config(), sessions, iam);
    this.ec2 = new Ec2Api(simulator);
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
        try {
          admin.serve(exchange, path.substring(ADMIN_PREFIX.length()), body);
        } catch (RuntimeException e) {
          // A bug: answered 500 (a closed connection would read as a network failure).
          e.printStackTrace(System.out);
          AwsAnswers.text(exchange, 500, "sandbox bug: " + e);
        }
      } else {
        aws(exchange, body);
      }
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
    AwsAnswers.Answer answer = null;
    AwsError failed = null;
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
            AwsAnswers.json(service) ? "InvalidSignatureException" : "SignatureDoesNotMatch",
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
          injected = decision.kind();
          JsonNode out =
              decision.apply(
                  () ->
                      route.operation().equals("ListClusters")
                          ? listClusters()
                          : eksOf.get(target).execute(route, request));
          answer = AwsAnswers.json(out, "application/json", requestId);
        }
        case "pricing" -> {
          iam.authorize(
              verified.identity(),
              service,
              IamAuthorizer.Request.anyResource("pricing:" + operation));
          Faults.Decision decision = faults.decide(service, operation);
          injected = decision.kind();
          String named = operation;
          JsonNode out = decision.apply(() -> pricing.execute(named, body));
          answer = AwsAnswers.json(out, "application/x-amz-json-1.1", requestId);
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
          injected = decision.kind();
          String named = operation;
          boolean isSts = service.equals("sts");
          String result =
              decision.apply(
                  () ->
                      isSts
                          ? sts.execute(named, form, verified.identity())
                          : autoscaling(target, named, form));
          answer = AwsAnswers.query(service, operation, result, requestId);
        }
        case "ec2" -> {
          Map<String, String> form = request.form();
          operation = form.getOrDefault("Action", "unknown");
          if (!Ec2Api.OPERATIONS.contains(operation)) {
            throw new AwsError(400, "InvalidAction", "The action " + operation + " is not valid");
          }
          // DescribeLaunchTemplateVersions has no resource types (Service Authorization Reference).
          iam.authorize(
              verified.identity(), service, IamAuthorizer.Request.anyResource("ec2:" + operation));
          Faults.Decision decision = faults.decide(service, operation);
          injected = decision.kind();
          String named = operation;
          answer =
              AwsAnswers.ec2(operation, decision.apply(() -> ec2.execute(named, form)), requestId);
        }
        default ->
            throw new AwsError(
                400, "UnknownService", "The sandbox does not simulate service '" + service + "'");
      }
    } catch (RequestVerifier.Refused e) {
      failed = AwsAnswers.authError(service, e);
    } catch (AwsError e) {
      failed = e;
    } catch (RuntimeException e) {
      // A bug of the simulator: a real 500 in the service's format, as AWS answers its own
      // failures (a closed connection would read to the SDK as a network failure, retried).
      e.printStackTrace(System.out);
      failed = new AwsError(500, "InternalFailure", "The simulator failed: " + e);
    }
    if (failed != null) {
      answer = AwsAnswers.error(service, failed, requestId);
    }
    log.append(
        new RequestLog.Entry(
            Instant.now().toString(),
            service,
            operation,
            caller,
            mutating,
            answer.status(),
            failed == null ? null : failed.code(),
            injected,
            exchange.getRequestHeaders().getFirst("User-Agent")));
    // Logged before answering: a client that reads the log after its call sees the call.
    AwsAnswers.send(exchange, answer);
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

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new IOException("request body larger than " + MAX_BODY + " bytes");
    }
    return bytes;
  }
}
