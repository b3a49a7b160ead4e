package io.eksscheduler.actions.core;

import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import java.time.Duration;
import java.util.List;

/** Waits for a duration, interruptibly: a pause between steps, or a no-op for tests. */
public final class Sleep implements Action<Sleep.Params> {

  /**
   * The parameters of {@code sleep}.
   *
   * @param duration how long to wait, written e.g. 30s
   */
  public record Params(Duration duration) {}

  @Override
  public String name() {
    return "sleep";
  }

  @Override
  public String description() {
    return "Waits for a duration, interruptibly.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/sleep.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of();
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) {
    return Plan.of(List.of("wait " + Durations.format(params.duration())));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Duration d = params.duration();
    ctx.progress("sleeping " + Durations.format(d));
    ctx.sleeper().sleep(d);
    return Outputs.none();
  }
}
