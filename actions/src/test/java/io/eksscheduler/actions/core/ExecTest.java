package io.eksscheduler.actions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.TestContext;
import io.eksscheduler.engine.spi.Plan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecTest {

  @Test
  void aPlanMarksBothOutputsInexactForNothingHasRun() {
    Plan plan =
        new Exec().plan(new Exec.Params(List.of("echo", "hi"), Map.of(), null), new TestContext());
    assertEquals(List.of("run echo hi"), plan.changes());
    assertEquals(Map.of("exitCode", 0L, "stdout", ""), plan.predictedOutputs());
    assertEquals(
        Map.of(
            "exitCode", "a command's result is known only once it runs",
            "stdout", "a command's result is known only once it runs"),
        plan.inexact());
    assertEquals(List.of(), plan.effects());
  }
}
