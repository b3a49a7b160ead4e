package io.eksscheduler.engine.run;

import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.testing.Fixtures;
import io.eksscheduler.engine.testing.TestStep;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs and previews playbooks of {@link TestStep} on a directory store, for engine tests. */
final class TestRuns {
  private final TestStep action;
  private final Path dir;
  private final Map<String, String> env;

  TestRuns(TestStep action, Path dir, Map<String, String> env) {
    this.action = action;
    this.dir = dir;
    this.env = env;
  }

  RunExecutor.Settings settings() {
    return new RunExecutor.Settings(
        Clock.systemUTC(), d -> {}, new Random(1), Duration.ofSeconds(5), env);
  }

  Playbook playbook(String yaml) {
    return Fixtures.playbook(yaml, action);
  }

  /** Runs {@code yaml} to its end as run r1. */
  RunState run(String yaml) throws Exception {
    RunExecutor executor =
        new RunExecutor(
            new ActionRegistry(List.of(action)), new SchemaCheck(), new Clients(), settings());
    try (DirectoryRunStore store = new DirectoryRunStore(dir)) {
      return new Runs(executor, store, settings(), "h")
          .start(
              playbook(yaml),
              yaml,
              Map.of(),
              "r1",
              EventSink.none(),
              new AtomicBoolean(),
              (k, h) -> {});
    }
  }

  /** The dry-run of {@code yaml}, continuing {@code continuing} when present. */
  List<DryRun.StepPreview> preview(String yaml, Optional<RunState> continuing) {
    return new DryRun(
            new ActionRegistry(List.of(action)), new SchemaCheck(), new Clients(), settings())
        .preview(playbook(yaml), Map.of(), "r1", continuing);
  }
}
