package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.cli.fleet.SleepAccounting;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What fleet status reads of the stops' records and which runs it loads. */
class FleetStatusTest {

  private static RunState run(String stepStatus) throws Exception {
    return Json.mapper()
        .readValue(
            """
            {"version": 1, "runId": "20261205T180000Z-aaaaaa", "playbook": "hibernate", "params": {},
             "status": "SUCCEEDED", "round": 1, "pid": 1, "host": "h", "lastEventSeq": 9,
             "startedAt": "2026-12-05T18:00:00Z", "updatedAt": "2026-12-05T18:04:00Z",
             "steps": {
               "verify": {"status": "SUCCEEDED", "attempts": 1},
               "scale-node-groups": {"status": "%s", "attempts": 1,
                 "startedAt": "2026-12-05T18:02:00Z", "finishedAt": "2026-12-05T18:03:30Z",
                 "ledger": {
                   "original:nodegroup general": {"v": 1, "run": "r", "min": 2, "desired": 3, "max": 5},
                   "nodes:nodegroup general": {"count": 3, "instanceType": "m5.large", "spot": false},
                   "nodes:asg batch": {"count": 1, "spot": true}}}}}
            """
                .formatted(stepStatus),
            RunState.class);
  }

  @Test
  void aStopCountsFromWhenItsNodeGroupsStepFinished() throws Exception {
    assertEquals(
        List.of(
            new SleepAccounting.Stop(
                "20261205T180000Z-aaaaaa",
                Instant.parse("2026-12-05T18:03:30Z"),
                List.of(
                    new SleepAccounting.Group("nodegroup general", 3, "m5.large", false),
                    new SleepAccounting.Group("asg batch", 1, null, true)))),
        FleetStatusCommand.stops(List.of(run("SUCCEEDED"))));
    assertEquals(List.of(), FleetStatusCommand.stops(List.of(run("FAILED"))));
  }

  private static RunSummary summary(String id, String playbook, String startedAt) {
    Instant t = Instant.parse(startedAt);
    return new RunSummary(id, playbook, "cluster/dev", RunStatus.SUCCEEDED, t, t, 1, 1, "h");
  }

  @Test
  void loadsTheStopsOfThePeriodAndTheLastOneBefore() {
    List<RunSummary> runs =
        List.of(
            summary("s1", "hibernate", "2026-11-28T18:00:00Z"),
            summary("s2", "hibernate", "2026-11-30T18:00:00Z"),
            summary("w1", "wake", "2026-12-01T06:00:00Z"),
            summary("s3", "hibernate", "2026-12-01T18:00:00Z"));
    assertEquals(
        List.of("s2", "s3"),
        Reconciler.stopRunsSince(runs, "hibernate", Instant.parse("2026-12-01T00:00:00Z")));
  }
}
