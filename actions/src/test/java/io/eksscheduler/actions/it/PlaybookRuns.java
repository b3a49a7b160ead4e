package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.run.EventSink;
import io.eksscheduler.engine.run.RunExecutor;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs one-step playbooks through the real engine, and installs CRDs the scenario lacks. */
final class PlaybookRuns {
  private final List<Action<?>> actions;
  private final ApiClient client;
  private final Path state;
  private final Clients clients;

  PlaybookRuns(List<Action<?>> actions, ApiClient client, Path state) {
    this(actions, client, state, new Clients());
  }

  /** Runs with {@code clients} (AWS ones, say) besides the Kubernetes client. */
  PlaybookRuns(List<Action<?>> actions, ApiClient client, Path state, Clients clients) {
    this.actions = actions;
    this.client = client;
    this.state = state;
    this.clients = clients.register(ApiClient.class, () -> client);
  }

  private static String yaml(String action, String with) {
    return "apiVersion: eks-scheduler/v1\nkind: Playbook\nmetadata: {name: it}\nsteps:\n"
        + "  - id: step\n    action: "
        + action
        + "\n    timeout: 3m\n    with:\n"
        + with;
  }

  private Playbook load(String yaml) {
    PlaybookLoader.Result loaded =
        new PlaybookLoader(new ActionRegistry(actions), new SchemaCheck(), YamlLimits.DEFAULT)
            .load(yaml, "it.yaml");
    assertEquals(List.of(), loaded.problems());
    return loaded.playbook().orElseThrow();
  }

  private RunExecutor.Settings settings() {
    return new RunExecutor.Settings(
        Clock.systemUTC(), Sleeper.system(), new Random(), Duration.ofSeconds(10), Map.of());
  }

  /** Runs {@code action} with {@code with} (indented YAML lines) as run {@code runId}. */
  RunState run(String runId, String action, String with) throws Exception {
    String yaml = yaml(action, with);
    ActionRegistry registry = new ActionRegistry(actions);
    SchemaCheck schemas = new SchemaCheck();
    DirectoryRunStore store = new DirectoryRunStore(state);
    try {
      return new Runs(
              new RunExecutor(registry, schemas, clients, settings()), store, settings(), "it")
          .start(
              load(yaml),
              yaml,
              Map.of(),
              runId,
              EventSink.none(),
              new AtomicBoolean(),
              (k, h) -> {});
    } finally {
      store.close();
    }
  }

  /** The dry-run of {@code action}: its plan's changes. */
  List<String> plan(String action, String with) {
    DryRun.StepPreview preview =
        new DryRun(new ActionRegistry(actions), new SchemaCheck(), clients, settings())
            .preview(load(yaml(action, with)), Map.of(), "r-dry")
            .get(0);
    return preview
        .plan()
        .orElseThrow(() -> new AssertionError("no plan: " + preview.error()))
        .changes();
  }
}
