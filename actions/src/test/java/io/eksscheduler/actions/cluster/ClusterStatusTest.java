package io.eksscheduler.actions.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {

  @Test
  void aDefaultRunIdTellsWhenItsRunStartedAnOtherIdDoesNot() {
    assertEquals(
        Optional.of(Instant.parse("2026-11-24T20:17:40Z")),
        ClusterStatus.startedAt("20261124T201740Z-6bd9d0"));
    assertEquals(Optional.empty(), ClusterStatus.startedAt("ci-job-4711"));
    assertEquals(Optional.empty(), ClusterStatus.startedAt("20261324T201740Z-6bd9d0"));
    assertEquals(Optional.empty(), ClusterStatus.startedAt(null));
  }
}
