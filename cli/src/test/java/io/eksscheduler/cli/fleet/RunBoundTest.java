package io.eksscheduler.cli.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.engine.playbook.RetryPolicy;
import io.eksscheduler.engine.playbook.Step;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunBoundTest {
  private static Step step(String id, List<String> needs, Duration timeout, RetryPolicy retry) {
    return new Step(
        id,
        id,
        "sleep",
        null,
        needs,
        null,
        timeout,
        Optional.empty(),
        retry,
        Step.OnFailure.ABORT,
        false,
        "/steps/" + id);
  }

  @Test
  void aStepTakesAllItsAttemptsAndTheLongestWaitsUnlessADeadlineBoundsThem() {
    RetryPolicy three = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(5));
    Step s = step("a", List.of(), Duration.ofMinutes(10), three);
    // 3 x 10m, and 10 s then 20 s between the attempts.
    assertEquals(Duration.ofMinutes(30).plusSeconds(30), RunBound.of(s));
    Step bounded =
        new Step(
            "b",
            "b",
            "sleep",
            null,
            List.of(),
            null,
            Duration.ofMinutes(10),
            Optional.of(Duration.ofMinutes(12)),
            three,
            Step.OnFailure.ABORT,
            false,
            "/steps/b");
    assertEquals(Duration.ofMinutes(12), RunBound.of(bounded));
  }

  @Test
  void stepsSharingSlotsLastAtMostTheirShareAndTheLongestChainAndNeverMoreThanAll() {
    Duration ten = Duration.ofMinutes(10);
    List<Step> wide =
        List.of(
            step("a", List.of(), ten, RetryPolicy.NONE),
            step("b", List.of(), ten, RetryPolicy.NONE),
            step("c", List.of(), ten, RetryPolicy.NONE),
            step("d", List.of(), ten, RetryPolicy.NONE));
    // Four at once: 40m of work over 4 slots, plus the longest chain (10m).
    assertEquals(Duration.ofMinutes(20), RunBound.of(wide, 4));
    // One at a time: all of it.
    assertEquals(Duration.ofMinutes(40), RunBound.of(wide, 1));
    List<Step> chain =
        List.of(
            step("a", List.of(), ten, RetryPolicy.NONE),
            step("b", List.of("a"), ten, RetryPolicy.NONE),
            step("c", List.of("b"), ten, RetryPolicy.NONE));
    assertEquals(Duration.ofMinutes(30), RunBound.of(chain, 4));
  }
}
