package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FaultsTest {

  private static Faults faults(Faults.Settings settings) {
    Faults f = new Faults(new Random(1));
    f.configure(settings);
    return f;
  }

  private static Faults.Settings lost(List<String> operations, int budget) {
    return new Faults.Settings(0, 0, 0, 0, operations, 0, 1.0, 0, 0, budget);
  }

  @Test
  void aLostAnswerRunsTheCallThenAnswersInternalFailure() {
    Faults f = faults(lost(List.of("UpdateNodegroupConfig"), 0));
    AtomicInteger runs = new AtomicInteger();

    AwsError e =
        assertThrows(
            AwsError.class,
            () -> f.decide("eks", "UpdateNodegroupConfig").apply(runs::incrementAndGet));

    assertEquals(1, runs.get());
    assertEquals(500, e.status());
    assertEquals("InternalFailure", e.code());
  }

  @Test
  void theBudgetBoundsTheFailuresInjectedIntoEachOperation() {
    Faults f = faults(lost(List.of(), 2));

    assertEquals("lostAnswer", f.decide("autoscaling", "UpdateAutoScalingGroup").kind());
    assertEquals("lostAnswer", f.decide("autoscaling", "UpdateAutoScalingGroup").kind());
    Faults.Decision third = f.decide("autoscaling", "UpdateAutoScalingGroup");
    assertEquals("lostAnswer", f.decide("eks", "UpdateNodegroupConfig").kind());

    assertEquals(null, third.kind());
    assertEquals(7, (int) third.apply(() -> 7));
    assertEquals(
        Map.of(
            "autoscaling:UpdateAutoScalingGroup",
            Map.of("lostAnswer", 2),
            "eks:UpdateNodegroupConfig",
            Map.of("lostAnswer", 1)),
        f.injected());
  }

  @Test
  void aBusyErrorIsRefusedBeforeTheCallRuns() {
    Faults f = faults(new Faults.Settings(0, 0, 0, 0, List.of(), 1.0, 0, 0, 0, 1));
    AtomicInteger runs = new AtomicInteger();

    AwsError e =
        assertThrows(
            AwsError.class,
            () -> f.decide("autoscaling", "UpdateAutoScalingGroup").apply(runs::incrementAndGet));

    assertEquals(0, runs.get());
    assertEquals(400, e.status());
    assertEquals("ScalingActivityInProgress", e.code());
  }

  @Test
  void eachOperationIsBusyWithTheErrorItsReferenceLists() {
    assertEquals(
        "ResourceInUse", Faults.busy("autoscaling", "SuspendProcesses").orElseThrow().code());
    assertEquals(
        "ResourceInUse", Faults.busy("autoscaling", "CreateOrUpdateTags").orElseThrow().code());
    assertEquals(
        500, Faults.busy("autoscaling", "DescribeAutoScalingGroups").orElseThrow().status());
    assertEquals(
        "ResourceInUseException", Faults.busy("eks", "UpdateNodegroupConfig").orElseThrow().code());
    assertTrue(Faults.busy("eks", "DescribeNodegroup").isEmpty());
  }

  @Test
  void aStalledAnswerIsHeldForItsTimeAfterTheCallRuns() {
    Faults f = faults(new Faults.Settings(0, 0, 0, 0, List.of(), 0, 0, 1.0, 50, 1));

    Faults.Decision d = f.decide("autoscaling", "SuspendProcesses");

    assertEquals("stalledAnswer", d.kind());
    assertEquals(50, d.stallMillis());
    assertTrue(d.error().isEmpty() && d.after().isEmpty());
  }
}
