package io.eksscheduler.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepStatusTest {

  @Test
  void theTransitionTableIsExactlyTheDocumentedOne() {
    List<String> allowed = new ArrayList<>();
    for (StepStatus from : StepStatus.values()) {
      for (StepStatus to : StepStatus.values()) {
        if (from.canMoveTo(to)) {
          allowed.add(from.label() + "->" + to.label());
        }
      }
    }
    assertEquals(
        List.of(
            "pending->running",
            "pending->skipped",
            "pending->cancelled",
            "running->pending",
            "running->succeeded",
            "running->failed",
            "running->cancelled",
            "succeeded->pending",
            "failed->pending",
            "skipped->pending",
            "cancelled->pending"),
        allowed);
  }

  @Test
  void aStepCannotSucceedWithoutRunning() {
    assertThrows(
        IllegalStateException.class, () -> StepState.pending().moveTo(StepStatus.SUCCEEDED));
  }
}
