package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.cli.store.ClusterStores;
import io.eksscheduler.cli.store.Fence;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.ParamBinding;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.Problem;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.playbook.YamlReader;
import io.eksscheduler.engine.playbook.YamlTree;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.run.RunExecutor;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunStore;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * The wiring of the command line: the action registry, schemas, loader, clock and clients, built
 * once per invocation and handed to the commands. Nothing else in the product reads the
 * environment.
 */
final class App {
  final PrintWriter out;
  final PrintWriter err;
  final Map<String, String> env;
  final ActionRegistry actions;
  final SchemaCheck schemas = new SchemaCheck();
  final PlaybookLoader loader;
  final Clock clock = Clock.systemUTC();
  final SecureRandom random = new SecureRandom();
  final Clients clients = new Clients();

  /** Whether this process may still change anything: tripped when it loses a Lease it holds. */
  final Fence fence = new Fence();

  /** This runner in user agents: {@code eks-scheduler/VERSION (pid N on HOST)}. */
  final String runner =
      "eks-scheduler/"
          + VersionProvider.version()
          + " (pid "
          + ProcessHandle.current().pid()
          + " on "
          + host()
          + ")";

  boolean interactive;
  private Region region;
  private String eksLogin;
  private AwsCredentialsProvider credentials;
  private AwsCredentialsProvider own;

  App(PrintWriter out, PrintWriter err, Map<String, String> env, ActionRegistry actions) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.actions = actions;
    this.loader = new PlaybookLoader(actions, schemas, YamlLimits.DEFAULT);
    // Made on first use only: a playbook of exec steps needs no cluster.
    clients.register(
        io.kubernetes.client.openapi.ApiClient.class,
        () ->
            KubernetesClients.fenced(
                eksLogin == null
                    ? KubernetesClients.fromEnvironment(env)
                    : KubernetesClients.fromEks(
                        clients.get(EksClient.class),
                        eksLogin,
                        new EksTokens(
                            credentials(),
                            AwsClients.region(region),
                            EksTokens.stsEndpoint(AwsClients.region(region)),
                            eksLogin,
                            clock)),
                fence,
                runner));
    clients.register(EksClient.class, () -> AwsClients.eks(region, credentials(), fence, runner));
    clients.register(
        software.amazon.awssdk.services.autoscaling.AutoScalingClient.class,
        () -> AwsClients.autoScaling(region, credentials(), fence, runner));
    clients.register(
        software.amazon.awssdk.services.ec2.Ec2Client.class,
        () -> AwsClients.ec2(region, credentials(), fence, runner));
  }

  /** The AWS credentials: a role's, once {@link #assumeRole} named one, else the default chain. */
  AwsCredentialsProvider credentials() {
    if (credentials == null) {
      credentials = ownCredentials();
    }
    return credentials;
  }

  /** The default chain's credentials: who runs this command, whatever role it assumes. */
  AwsCredentialsProvider ownCredentials() {
    if (own == null) {
      own = DefaultCredentialsProvider.builder().build();
    }
    return own;
  }

  /**
   * Makes every AWS client act as {@code roleArn} (a fleet entry's role in another account), with
   * credentials STS issues for it from the default chain's, renewed before they expire. Call before
   * the first client is made.
   */
  void assumeRole(String roleArn, String session) {
    credentials =
        AwsClients.assumedRole(
            roleArn, session, ownCredentials(), AwsClients.region(region), runner);
    try {
      // At once, so that a role one may not assume is said before anything is read.
      credentials.resolveCredentials();
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new UserError(
          List.of("error: cannot assume role " + roleArn + " (sts:AssumeRole): " + e.getMessage()),
          ExitCodes.STEP_FAILED);
    }
  }

  /**
   * Points the clients at what a run's params name, so that a resume reaches the same cluster:
   * {@code region} (when not empty) is the AWS region, and {@code login} says how Kubernetes is
   * reached: {@code kubeconfig}, {@code eks} (a token presigned with the AWS credentials for EKS
   * cluster {@code cluster}) or {@code auto} (default: the kubeconfig if one is configured, else
   * eks when the playbook has a {@code cluster} param).
   */
  void target(Map<String, Object> params) {
    if (params.get("region") instanceof String r && !r.isBlank()) {
      region = Region.of(r.trim());
    }
    String cluster = params.get("cluster") instanceof String c && !c.isBlank() ? c : null;
    String login = params.get("login") instanceof String l ? l : "auto";
    switch (login) {
      case "kubeconfig" -> eksLogin = null;
      case "eks" -> {
        if (cluster == null) {
          throw new UserError("login eks needs the playbook's cluster param to name the cluster");
        }
        eksLogin = cluster;
      }
      case "auto" ->
          eksLogin = cluster != null && !KubernetesClients.configured(env) ? cluster : null;
      default ->
          throw new UserError(
              List.of("param login must be kubeconfig, eks or auto, not '" + login + "'"),
              ExitCodes.INVALID);
    }
  }

  /** The playbook at {@code path}; its problems, all of them, as a user error otherwise. */
  Playbook load(Path path) {
    PlaybookLoader.Result result = loader.load(path, path.toString());
    if (!result.ok()) {
      throw problems(result.problems());
    }
    return result.playbook().orElseThrow();
  }

  /** The playbook in {@code text}, named {@code file}. */
  Playbook load(String text, String file) {
    PlaybookLoader.Result result = loader.load(text, file);
    if (!result.ok()) {
      throw problems(result.problems());
    }
    return result.playbook().orElseThrow();
  }

  static UserError problems(List<Problem> problems) {
    List<String> lines = new ArrayList<>();
    problems.forEach(p -> lines.add(p.toString()));
    lines.add(problems.size() + (problems.size() == 1 ? " problem" : " problems"));
    return new UserError(lines, ExitCodes.INVALID);
  }

  /** The params of a run from {@code -p} pairs and an optional params file. */
  Map<String, Object> params(Playbook playbook, Map<String, String> pairs, Path paramsFile) {
    Map<String, JsonNode> fromFile = new LinkedHashMap<>();
    if (paramsFile != null) {
      List<Problem> problems = new ArrayList<>();
      String text;
      try {
        text = Files.readString(paramsFile);
      } catch (IOException e) {
        throw new UserError("cannot read params file " + paramsFile + ": " + e.getMessage());
      }
      YamlTree tree =
          new YamlReader(YamlLimits.DEFAULT)
              .read(paramsFile.toString(), text, problems)
              .orElseThrow(() -> problems(problems));
      if (!tree.root().isObject()) {
        throw new UserError(paramsFile + ":1:1: a params file is a mapping of NAME: VALUE");
      }
      if (!problems.isEmpty()) {
        throw problems(problems);
      }
      tree.root().fields().forEachRemaining(e -> fromFile.put(e.getKey(), e.getValue()));
    }
    List<String> problems = new ArrayList<>();
    Map<String, Object> values = ParamBinding.bind(playbook, pairs, fromFile, problems);
    if (!problems.isEmpty()) {
      throw new UserError(problems, ExitCodes.INVALID);
    }
    return values;
  }

  /**
   * The store {@code choice} names: a directory, or a namespace of the cluster the run acts on (the
   * clients' target, see {@link #target}) or of {@code --state-context}'s cluster.
   *
   * @param waiting where lines about waiting for a held lock go
   */
  RunStore store(StateChoice choice, StoreOptions options, Consumer<String> waiting) {
    if (!choice.cluster()) {
      return new DirectoryRunStore(choice.dir());
    }
    ApiClient client =
        options.stateContext == null
            ? clients.get(ApiClient.class)
            : KubernetesClients.fenced(
                KubernetesClients.fromContext(env, options.stateContext), fence, runner);
    return ClusterStores.open(
        client,
        choice.namespace(),
        fence,
        leaseDuration(options),
        clock,
        Sleeper.system(),
        host(),
        waiting);
  }

  /** {@code --lease-duration}, between 3 s and 5 min; 60 s by default. */
  static Duration leaseDuration(StoreOptions options) {
    if (options.leaseDuration == null) {
      return ClusterStores.DEFAULT_LEASE;
    }
    Duration d =
        Durations.parse(options.leaseDuration)
            .orElseThrow(
                () ->
                    new UserError(
                        List.of(
                            "--lease-duration: " + Durations.badDuration(options.leaseDuration)),
                        ExitCodes.INVALID));
    if (d.compareTo(Duration.ofSeconds(3)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new UserError(
          List.of("--lease-duration must be between 3s and 5m, not " + options.leaseDuration),
          ExitCodes.INVALID);
    }
    return d;
  }

  RunExecutor.Settings settings() {
    return new RunExecutor.Settings(clock, Sleeper.system(), random, Duration.ofSeconds(30), env);
  }

  RunExecutor executor() {
    return new RunExecutor(actions, schemas, clients, settings());
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  static ObjectMapper json() {
    return Json.mapper();
  }
}
