package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.nodegroups.NodegroupUpdates.Request;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodegroupUpdatesTest {

  @Test
  void aRetryOrAResumeSendsTheTokenRecordedForTheSameSizes() {
    Request recorded = new Request("t-1", 0, 0, 10);

    assertEquals(recorded, NodegroupUpdates.request(Optional.of(recorded), 0, 0, 10, "t-2"));
  }

  @Test
  void otherSizesGetATokenOfTheirOwn() {
    Request recorded = new Request("t-1", 0, 0, 10);

    assertEquals(
        new Request("t-2", 2, 5, 10),
        NodegroupUpdates.request(Optional.of(recorded), 2, 5, 10, "t-2"));
  }

  @Test
  void aFirstAttemptOrARunFromBeforeTokensGetsANewOne() {
    assertEquals(
        new Request("t-2", 0, 0, 10), NodegroupUpdates.request(Optional.empty(), 0, 0, 10, "t-2"));
  }

  @Test
  void theTokenIsKeptUnderTheGroupsUpdateKey() {
    assertEquals("update:nodegroup general", NodegroupUpdates.ledgerKey("general"));
  }
}
