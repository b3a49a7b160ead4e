package io.eksscheduler.actions.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  @Test
  void originalsThisPreviewWouldRecordMakeRunsSinceAndOriginalsInexact() {
    String why =
        "holds originals the earlier steps would record, with this preview's run id r-dry; the"
            + " run's id is chosen when it starts";
    assertEquals(
        Map.of("runs", why, "since", why, "originals", why),
        ClusterStatus.inexact(List.of("r-dry", "r-old"), "r-dry", true));
  }

  @Test
  void originalsOfEarlierRunsOnlyAreExact() {
    assertEquals(Map.of(), ClusterStatus.inexact(List.of("r-old"), "r-dry", true));
    // Without effects before it (the status command's own preview), nothing names the preview.
    assertEquals(Map.of(), ClusterStatus.inexact(List.of("r-dry"), "r-dry", false));
  }
}
