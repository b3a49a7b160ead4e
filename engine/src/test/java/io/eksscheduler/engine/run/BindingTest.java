package io.eksscheduler.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.playbook.ActionRegistry;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.spi.AbsentIfUnparsable;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.testing.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindingTest {
  private static final String OVERLONG = "99999999999999999999h";

  enum Policy {
    FAIL,
    DELETE,
    LEAVE_TO_TERMINATION
  }

  /** What the test actions below share: {@code test.pause}, its schema, no outputs. */
  abstract static class TestPause<P> implements Action<P> {
    @Override
    public String name() {
      return "test.pause";
    }

    @Override
    public String description() {
      return "Waits.";
    }

    @Override
    public String withSchema() {
      return "schemas/actions/test.pause.schema.json";
    }

    @Override
    public List<OutputSpec> outputs() {
      return List.of();
    }
  }

  /** An action whose params are bound to a Duration and an enum. */
  static final class Typed extends TestPause<Typed.Params> {
    record Params(Duration pause, Policy policy) {}

    @Override
    public Class<Params> paramsType() {
      return Params.class;
    }

    @Override
    public Plan plan(Params params, ActionContext ctx) {
      return Plan.of(List.of("wait " + Durations.format(params.pause())));
    }

    @Override
    public Outputs apply(Params params, ActionContext ctx) throws Exception {
      ctx.sleeper().sleep(params.pause());
      return Outputs.none();
    }
  }

  /** The same action as it was written before: it parses its text and refuses it itself. */
  static final class Parsing extends TestPause<Parsing.Params> {
    record Params(String pause, String policy) {}

    @Override
    public Class<Params> paramsType() {
      return Params.class;
    }

    private static Duration pause(Params params) throws ActionFailure {
      return Durations.parse(params.pause())
          .orElseThrow(() -> new ActionFailure(Durations.badDuration(params.pause()), false));
    }

    @Override
    public Plan plan(Params params, ActionContext ctx) throws ActionFailure {
      return Plan.of(List.of("wait " + Durations.format(pause(params))));
    }

    @Override
    public Outputs apply(Params params, ActionContext ctx) throws Exception {
      ctx.sleeper().sleep(pause(params));
      return Outputs.none();
    }
  }

  /** An action that falls back to its defaults on a value that does not bind, as it once did. */
  static final class Lenient extends TestPause<Lenient.Params> {
    record Params(@AbsentIfUnparsable Duration pause, @AbsentIfUnparsable Policy policy) {}

    @Override
    public Class<Params> paramsType() {
      return Params.class;
    }

    @Override
    public Plan plan(Params params, ActionContext ctx) {
      return Plan.of(List.of());
    }

    @Override
    public Outputs apply(Params params, ActionContext ctx) {
      return Outputs.none();
    }
  }

  @TempDir Path dir;

  private final SchemaCheck schemas = new SchemaCheck();

  private static JsonNode with(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Typed.Params bind(String json) throws Binding.StepFailure {
    return Binding.bind(new Typed(), with(json), schemas);
  }

  @Test
  void aDurationBindsFromThePlaybookForm() throws Exception {
    assertEquals(Duration.ofMinutes(90), bind("{\"pause\": \"1h30m\"}").pause());
    assertEquals(Duration.ofMillis(250), bind("{\"pause\": \"250ms\"}").pause());
  }

  @Test
  void anAbsentDurationIsNullForTheActionsDefault() throws Exception {
    assertNull(bind("{}").pause());
  }

  @Test
  void anEnumBindsFromItsDashedLowerCaseName() throws Exception {
    assertEquals(
        Policy.LEAVE_TO_TERMINATION, bind("{\"policy\": \"leave-to-termination\"}").policy());
    assertEquals(Policy.FAIL, bind("{\"policy\": \"fail\"}").policy());
  }

  @Test
  void aDurationTooLongToHoldIsRefusedWithTheMessageTheActionGave() {
    Binding.StepFailure e =
        assertThrows(Binding.StepFailure.class, () -> bind("{\"pause\": \"" + OVERLONG + "\"}"));
    assertInstanceOf(Binding.ParamRefused.class, e);
    assertEquals(
        "bad duration '99999999999999999999h': use whole numbers with units h, m, s or ms, largest"
            + " first, e.g. 90s, 15m, 1h30m",
        e.getMessage());
    assertFalse(e.retryable);
  }

  @Test
  void aRenderedValueThatIsStillAnExpressionIsRefusedAsABadDuration() {
    Binding.StepFailure e =
        assertThrows(Binding.StepFailure.class, () -> bind("{\"pause\": \"${{ x }}\"}"));
    assertInstanceOf(Binding.ParamRefused.class, e);
    assertEquals(Durations.badDuration("${{ x }}"), e.getMessage());
  }

  @Test
  void aDurationNotInThePlaybookFormStillFailsTheSchemaFirst() {
    Binding.StepFailure e =
        assertThrows(Binding.StepFailure.class, () -> bind("{\"pause\": \"90 seconds\"}"));
    assertFalse(e instanceof Binding.ParamRefused);
    assertTrue(
        e.getMessage().startsWith("with, once evaluated, does not fit action test.pause: "),
        e.getMessage());
  }

  private record Recorded(StepState step, List<String> events) {}

  private Recorded run(Action<?> action, String name) throws Exception {
    String yaml =
        Fixtures.header("bad-wait")
            + "steps:\n"
            + "  - id: nap\n"
            + "    action: test.pause\n"
            + "    retry: {attempts: 3, backoff: 1s}\n"
            + "    with: {pause: "
            + OVERLONG
            + "}\n";
    Playbook p = Fixtures.playbook(yaml, action);
    Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    RunExecutor.Settings settings =
        new RunExecutor.Settings(clock, d -> {}, new Random(1), Duration.ofSeconds(5), Map.of());
    RunExecutor executor =
        new RunExecutor(new ActionRegistry(List.of(action)), schemas, new Clients(), settings);
    DirectoryRunStore store = new DirectoryRunStore(dir.resolve(name));
    try {
      RunState end =
          new Runs(executor, store, settings, "test-host")
              .start(p, yaml, Map.of(), "r1", EventSink.none(), new AtomicBoolean(), (k, h) -> {});
      List<String> events = new ArrayList<>();
      for (Event e : store.events("r1")) {
        events.add(
            e.type() + " " + e.step() + " " + e.attempt() + " " + e.status() + " " + e.message());
      }
      return new Recorded(end.step("nap"), events);
    } finally {
      store.close();
    }
  }

  @Test
  void aRefusedDurationIsRecordedAsTheFirstAttemptFailingAsWhenTheActionRefusedIt()
      throws Exception {
    Recorded before = run(new Parsing(), "parsing");
    Recorded now = run(new Typed(), "typed");
    assertEquals(before.events(), now.events());
    assertEquals(before.step(), now.step());
    assertEquals(Durations.badDuration(OVERLONG), now.step().error());
    assertEquals(1, now.step().attempts());
  }

  @Test
  void aRefusedDurationPreviewsAsWhenTheActionsPlanRefusedIt() {
    String yaml =
        Fixtures.header("bad-wait")
            + "steps:\n"
            + "  - {id: nap, action: test.pause, with: {pause: "
            + OVERLONG
            + "}}\n";
    List<String> errors = new ArrayList<>();
    for (Action<?> action : List.of(new Parsing(), new Typed())) {
      Playbook p = Fixtures.playbook(yaml, action);
      RunExecutor.Settings settings =
          new RunExecutor.Settings(
              Clock.systemUTC(), d -> {}, new Random(1), Duration.ofSeconds(5), Map.of());
      errors.add(
          new DryRun(new ActionRegistry(List.of(action)), schemas, new Clients(), settings)
              .preview(p, Map.of(), "r1", Optional.empty())
              .get(0)
              .error());
    }
    assertEquals(Durations.badDuration(OVERLONG), errors.get(1));
    assertEquals(errors.get(0), errors.get(1));
  }

  private Lenient.Params bindLenient(String json) throws Binding.StepFailure {
    return Binding.bind(new Lenient(), with(json), schemas);
  }

  @Test
  void aMarkedDurationThatDoesNotParseBindsAsAbsent() throws Exception {
    assertNull(bindLenient("{\"pause\": \"" + OVERLONG + "\"}").pause());
    assertNull(bindLenient("{\"pause\": \"${{ x }}\"}").pause());
    assertEquals(Duration.ofSeconds(90), bindLenient("{\"pause\": \"90s\"}").pause());
  }

  @Test
  void aMarkedEnumThatIsNoneOfItsNamesBindsAsAbsent() throws Exception {
    assertNull(bindLenient("{\"policy\": \"${{ x }}\"}").policy());
    assertEquals(
        Policy.LEAVE_TO_TERMINATION,
        bindLenient("{\"policy\": \"leave-to-termination\"}").policy());
  }

  @Test
  void anUnmarkedEnumThatIsNoneOfItsNamesFailsTheStep() {
    Binding.StepFailure e =
        assertThrows(Binding.StepFailure.class, () -> bind("{\"policy\": \"${{ x }}\"}"));
    assertFalse(e instanceof Binding.ParamRefused);
    assertTrue(e.getMessage().startsWith("with does not fit action test.pause: "), e.getMessage());
  }
}
