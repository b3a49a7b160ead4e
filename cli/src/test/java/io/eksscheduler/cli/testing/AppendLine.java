package io.eksscheduler.cli.testing;

import io.eksscheduler.engine.spi.Action;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.OutputSpec;
import io.eksscheduler.engine.spi.Outputs;
import io.eksscheduler.engine.spi.Plan;
import io.eksscheduler.engine.spi.ValueType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * A test action with a real, idempotent effect: appends "STEP TOKEN" to a file, fsynced. The token
 * goes to the ledger before the append, so after a crash the action finds whether its effect
 * already happened, exactly as a cluster action finds a workload already scaled.
 */
public final class AppendLine implements Action<AppendLine.Params> {
  public record Params(String file, String pause) {}

  @Override
  public String name() {
    return "test.append";
  }

  @Override
  public String description() {
    return "Appends one line per step to a file, exactly once (test action).";
  }

  @Override
  public String withSchema() {
    return "schemas/actions/test.append.schema.json";
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public List<OutputSpec> outputs() {
    return List.of(new OutputSpec("token", ValueType.STRING, "the token appended"));
  }

  @Override
  public Plan plan(Params params, ActionContext ctx) {
    return Plan.of(List.of("append a line for " + ctx.stepId() + " to " + params.file()));
  }

  @Override
  public Outputs apply(Params params, ActionContext ctx) throws Exception {
    Path file = Paths.get(params.file());
    String token = ctx.ledger().get("token", String.class).orElse(null);
    if (token == null) {
      token = UUID.randomUUID().toString();
      ctx.ledger().put("token", token);
    }
    if (params.pause() != null) {
      ctx.sleeper().sleep(io.eksscheduler.engine.spi.Durations.parse(params.pause()).orElseThrow());
    }
    String line = ctx.stepId() + " " + token;
    if (!contains(file, line)) {
      try (FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND)) {
        ch.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
    }
    return Outputs.of("token", token);
  }

  private static boolean contains(Path file, String line) throws IOException {
    return Files.exists(file) && Files.readAllLines(file).contains(line);
  }
}
