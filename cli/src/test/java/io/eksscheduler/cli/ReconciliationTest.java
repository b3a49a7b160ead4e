package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.cli.fleet.FleetLoader;
import io.eksscheduler.cli.fleet.Hold;
import io.eksscheduler.cli.fleet.Schedule;
import io.eksscheduler.engine.playbook.SchemaCheck;
import io.eksscheduler.engine.playbook.YamlLimits;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
  private static final Instant NOON = Instant.parse("2026-12-07T12:00:00Z"); // a Monday
  private static final Instant NIGHT = Instant.parse("2026-12-07T21:00:00Z");

  private static Schedule schedule;

  /** Office hours in UTC, 08:00 to 18:00 on weekdays, read from a fleet file. */
  private static Schedule officeHours() {
    if (schedule == null) {
      try {
        Path file = Files.createTempFile("fleet", ".yaml");
        Files.writeString(
            file,
            """
            apiVersion: eks-scheduler/v1
            kind: Fleet
            metadata: {name: test}
            schedules:
              office-hours:
                timeZone: UTC
                awake: [{days: Mon-Fri, from: "08:00", to: "18:00"}]
            clusters:
              - {name: dev, region: eu-west-1, schedule: office-hours}
            """);
        FleetLoader.Result r =
            new FleetLoader(new SchemaCheck(), YamlLimits.DEFAULT).load(file, file.toString());
        Files.delete(file);
        schedule =
            r.fleet()
                .orElseThrow(() -> new AssertionError(r.problems()))
                .schedules()
                .get("office-hours");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return schedule;
  }

  private static RunSummary run(String id, String playbook, RunStatus status, String started) {
    return new RunSummary(
        id,
        playbook,
        "cluster/dev",
        status,
        Instant.parse(started),
        Instant.parse(started),
        1,
        1L,
        "host");
  }

  private static Reconciliation.Action decide(
      Instant t,
      Optional<Hold> hold,
      List<RunSummary> runs,
      boolean asleep,
      boolean optedIn,
      boolean force) {
    return Reconciliation.decide(
        Reconciliation.desired(officeHours(), hold, t),
        Reconciliation.actual(runs, asleep),
        optedIn,
        force);
  }

  @Test
  void theScheduleAgainstWhatTheClusterRecords() {
    assertEquals(
        Reconciliation.Action.NONE, decide(NOON, Optional.empty(), List.of(), false, true, false));
    assertEquals(
        Reconciliation.Action.STOP, decide(NIGHT, Optional.empty(), List.of(), false, true, false));
    assertEquals(
        Reconciliation.Action.NONE, decide(NIGHT, Optional.empty(), List.of(), true, true, false));
    assertEquals(
        Reconciliation.Action.START, decide(NOON, Optional.empty(), List.of(), true, true, false));
  }

  @Test
  void aClusterThatDidNotOptInIsNeverStoppedUnlessForced() {
    assertEquals(
        Reconciliation.Action.NOT_OPTED_IN,
        decide(NIGHT, Optional.empty(), List.of(), false, false, false));
    assertEquals(
        Reconciliation.Action.STOP, decide(NIGHT, Optional.empty(), List.of(), false, false, true));
    // waking is never refused
    assertEquals(
        Reconciliation.Action.START, decide(NOON, Optional.empty(), List.of(), true, false, false));
  }

  @Test
  void anUnfinishedRunIsPartialWhateverTheClusterRecords() {
    List<RunSummary> killedStop =
        List.of(
            run("a", "wake", RunStatus.SUCCEEDED, "2026-12-07T08:00:00Z"),
            run("b", "hibernate", RunStatus.RUNNING, "2026-12-07T18:00:00Z"));
    Reconciliation.Actual actual = Reconciliation.actual(killedStop, true);
    assertEquals("partial", actual.word());
    assertEquals("b", actual.unfinished().orElseThrow().runId());
    // asleep wanted: the stop is continued; awake wanted: a start
    assertEquals(
        Reconciliation.Action.STOP, decide(NIGHT, Optional.empty(), killedStop, true, true, false));
    assertEquals(
        Reconciliation.Action.START, decide(NOON, Optional.empty(), killedStop, true, true, false));
    List<RunSummary> failedStart =
        List.of(run("c", "wake", RunStatus.FAILED, "2026-12-08T08:00:00Z"), killedStop.get(0));
    assertEquals(
        Reconciliation.Action.START,
        decide(NOON, Optional.empty(), failedStart, false, true, false));
    // an older unfinished run superseded by a finished one is not partial
    List<RunSummary> superseded =
        List.of(
            run("d", "hibernate", RunStatus.FAILED, "2026-12-06T18:00:00Z"),
            run("e", "hibernate", RunStatus.SUCCEEDED, "2026-12-07T18:00:00Z"));
    assertEquals(Optional.empty(), Reconciliation.actual(superseded, true).unfinished());
  }

  @Test
  void aHoldRulesUntilItLapses() {
    Hold awake = new Hold(true, Instant.parse("2026-12-08T02:00:00Z"), "arn", "release");
    Reconciliation.Desired held = Reconciliation.desired(officeHours(), Optional.of(awake), NIGHT);
    assertTrue(held.awake());
    assertTrue(held.because().startsWith("held awake until 2026-12-08T02:00:00Z"), held.because());
    assertEquals(
        Reconciliation.Action.NONE,
        decide(NIGHT, Optional.of(awake), List.of(), false, true, false));
    Instant after = Instant.parse("2026-12-08T02:00:00Z");
    Reconciliation.Desired lapsed =
        Reconciliation.desired(officeHours(), Optional.of(awake), after);
    assertEquals(false, lapsed.awake());
    assertTrue(lapsed.because().contains("lapsed"), lapsed.because());
    assertEquals(
        Reconciliation.Action.STOP,
        decide(after, Optional.of(awake), List.of(), false, true, false));
    Hold asleep = new Hold(false, Instant.parse("2026-12-09T00:00:00Z"), "arn", "");
    assertEquals(
        Reconciliation.Action.STOP,
        decide(NOON, Optional.of(asleep), List.of(), false, true, false));
  }
}
