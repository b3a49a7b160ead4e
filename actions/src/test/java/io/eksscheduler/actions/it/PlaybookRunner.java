package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.PlaybookLoader;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.run.RunExecutor;
import io.eksscheduler.engine.run.Runs;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.Sleeper;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.RunState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs whole playbooks, any number of steps, through the real engine in this JVM with the clients a
 * test registers, printing each event to stderr so a failing run can be followed in the test's
 * output.
 */
final class PlaybookRunner {
  private final List<Action<?>> actions;
  private final Clients clients;
  private final Path state;

  PlaybookRunner(List<Action<?>> actions, Clients clients, Path state) {
    this.actions = actions;
    this.clients = clients;
    this.state = state;
  }

  /** Runs {@code yaml} as run {@code runId} and returns its final state. */
  RunState run(String runId, String yaml) throws Exception {
    return run(runId, yaml, Map.of());
  }

  /** Runs {@code yaml} with {@code params} as run {@code runId} and returns its final state. */
  RunState run(String runId, String yaml, Map<String, Object> params) throws Exception {
    PlaybookLoader.Result loaded =
        new PlaybookLoader(new ActionRegistry(actions), new SchemaCheck(), YamlLimits.DEFAULT)
            .load(yaml, runId + ".yaml");
    assertEquals(List.of(), loaded.problems());
    Playbook playbook = loaded.playbook().orElseThrow();
    RunExecutor.Settings settings =
        new RunExecutor.Settings(
            Clock.systemUTC(), Sleeper.system(), new Random(), Duration.ofSeconds(10), Map.of());
    DirectoryRunStore store = new DirectoryRunStore(state);
    try {
      return new Runs(
              new RunExecutor(new ActionRegistry(actions), new SchemaCheck(), clients, settings),
              store,
              settings,
              "it")
          .start(
              playbook,
              yaml,
              params,
              runId,
              PlaybookRunner::print,
              new AtomicBoolean(),
              (k, h) -> {});
    } finally {
      store.close();
    }
  }

  private static void print(Event e) {
    StringBuilder line = new StringBuilder("[run ").append(e.run()).append("] ").append(e.type());
    if (e.step() != null) {
      line.append(' ').append(e.step());
    }
    if (e.status() != null) {
      line.append(' ').append(e.status());
    }
    if (e.message() != null) {
      line.append(": ").append(e.message());
    }
    System.err.println(line);
  }
}
