package io.eksscheduler.actions.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.eksscheduler.actions.drain.DrainNodes.BudgetPolicy;
import io.eksscheduler.actions.drain.DrainNodes.DoNotDisrupt;
import io.eksscheduler.actions.drain.DrainNodes.UnmanagedPods;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DrainParamsTest {
  private static final DrainNodes.Params DEFAULTS =
      new DrainNodes.Params(null, null, null, null, null, null, null, null);

  @Test
  void policiesPrintAsThePlaybookWritesThem() {
    assertEquals(
        List.of("fail", "delete", "leave-to-termination", "delete-stateless"),
        Stream.of(BudgetPolicy.values()).map(BudgetPolicy::label).toList());
  }

  @Test
  void absentSettingsTakeTheirDefaults() {
    assertEquals(BudgetPolicy.FAIL, DEFAULTS.policy());
    assertEquals(Duration.ofMinutes(10), DEFAULTS.deadline());
    assertEquals(10, DEFAULTS.parallelOrDefault());
    assertEquals(
        new PodVerdicts.Settings(true, UnmanagedPods.FAIL, DoNotDisrupt.LEAVE),
        DEFAULTS.verdictSettings());
    assertNull(DEFAULTS.gracePeriod());
  }

  @Test
  void givenSettingsAreKept() {
    DrainNodes.Params p =
        new DrainNodes.Params(
            null,
            3,
            false,
            UnmanagedPods.EVICT,
            DoNotDisrupt.EVICT,
            BudgetPolicy.DELETE,
            Duration.ofSeconds(90),
            Duration.ofSeconds(5));
    assertEquals(BudgetPolicy.DELETE, p.policy());
    assertEquals(Duration.ofSeconds(90), p.deadline());
    assertEquals(3, p.parallelOrDefault());
    assertEquals(
        new PodVerdicts.Settings(false, UnmanagedPods.EVICT, DoNotDisrupt.EVICT),
        p.verdictSettings());
  }
}
