package io.eksscheduler.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.spi.Effect;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable action for engine tests: records each call, fails its first {@code failTimes}
 * attempts, sleeps for real on its first attempt when {@code sleep} is set (so a resumed run that
 * reuses the stored parameters does not wait again) and echoes {@code value} as an output. Its plan
 * predicts the effect {@code effect} when set and, with {@code reads}, reads every effect predicted
 * before it and lists their lines as the predicted output {@code seen}.
 */
public final class TestStep implements Action<TestStep.Params> {
  public record Params(
      JsonNode value,
      Long count,
      Long failTimes,
      Boolean retryable,
      String sleep,
      String effect,
      Boolean reads,
      Boolean echo) {}

  /** The effect a plan predicts when {@code effect} is set. */
  public record Said(String line) implements Effect {}

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
    Map<String, Object> predicted = new LinkedHashMap<>(Map.of("count", 7L));
    if (Boolean.TRUE.equals(params.reads())) {
      List<String> seen = new ArrayList<>();
      for (Effect e : ctx.predicted()) {
        ctx.read(e);
        seen.add(e.line());
      }
      predicted.put("seen", String.join(",", seen));
    }
    if (Boolean.TRUE.equals(params.echo())) {
      predicted.put("value", params.value() == null ? null : params.value().asText());
      predicted.put("ledger", String.join(",", new TreeSet<>(ctx.ledger().keys())));
    }
    List<Effect> effects = params.effect() == null ? List.of() : List.of(new Said(params.effect()));
    return new Plan(List.of("would do " + ctx.stepId()), predicted).withEffects(effects);
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    int n = attempts.computeIfAbsent(ctx.stepId(), k -> new AtomicInteger()).incrementAndGet();
    calls.add(ctx.stepId() + "#" + n);
    order.add("start:" + ctx.stepId());
    try {
      if (Boolean.TRUE.equals(params.echo())) {
        ctx.ledger().put("began", n);
      }
      if (params.sleep() != null && n == 1) {
        Thread.sleep(Durations.parse(params.sleep()).orElseThrow().toMillis());
      }
      if (params.failTimes() != null && n <= params.failTimes()) {
        throw new ActionFailure(
            "planned failure " + n, params.retryable() == null || params.retryable());
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("value", params.value() == null ? null : params.value());
      out.put("count", params.count() == null ? 0L : params.count());
      if (Boolean.TRUE.equals(params.reads())) {
        out.put("seen", String.join(",", ctx.predicted().stream().map(Effect::line).toList()));
      }
      return new Outputs(out);
    } finally {
      order.add("end:" + ctx.stepId());
    }
  }
}
