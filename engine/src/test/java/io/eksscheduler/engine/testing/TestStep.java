package io.eksscheduler.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable action for engine tests: records each call, fails its first {@code failTimes}
 * attempts, sleeps for real on its first attempt when {@code sleep} is set (so a resumed run that
 * reuses the stored parameters does not wait again) and echoes {@code value} as an output.
 */
public final class TestStep implements Action<TestStep.Params> {
  public record Params(
      JsonNode value, Long count, Long failTimes, Boolean retryable, String sleep) {}

  public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  public final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  public final List<String> order = Collections.synchronizedList(new ArrayList<>());

  @Override
  public String name() {
    return "test.step";
  }

  @Override
  public String description() {
    return "A scriptable step for tests.";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/test.step.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(
        new OutputSpec("value", ValueType.ANY, "the value given"),
        new OutputSpec("count", ValueType.INTEGER, "the count given"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) {
    return new Plan(List.of("would do " + ctx.stepId()), Map.of("count", 7L));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    int n = attempts.computeIfAbsent(ctx.stepId(), k -> new AtomicInteger()).incrementAndGet();
    calls.add(ctx.stepId() + "#" + n);
    order.add("start:" + ctx.stepId());
    try {
      if (params.sleep() != null && n == 1) {
        Thread.sleep(Durations.parse(params.sleep()).orElseThrow().toMillis());
      }
      if (params.failTimes() != null && n <= params.failTimes()) {
        throw new ActionFailure(
            "planned failure " + n, params.retryable() == null || params.retryable());
      }
      return Outputs.of(
          "value", params.value() == null ? null : params.value(),
          "count", params.count() == null ? 0L : params.count());
    } finally {
      order.add("end:" + ctx.stepId());
    }
  }
}
