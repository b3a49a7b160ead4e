package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.cli.fleet.Schedule;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconcileReportTest {
  private static final Instant AT = Instant.parse("2026-12-07T21:00:00Z");
  private static final Reconciliation.Desired ASLEEP_UNTIL_MORNING =
      new Reconciliation.Desired(
          false,
          "schedule office-hours",
          Optional.of(new Schedule.Change(Instant.parse("2026-12-08T08:00:00Z"), true)));
  private static final Reconciliation.Actual AWAKE =
      new Reconciliation.Actual(false, Optional.empty());

  private static String text(boolean dryRun, Reconciliation.Action action) {
    return ReconcileReport.render(
        "dev", AT, dryRun, RunOptions.OutputFormat.text, ASLEEP_UNTIL_MORNING, AWAKE, action);
  }

  @Test
  void textSaysWhatItShouldBeWhatItIsAndWhatIsDone() {
    assertEquals(
        "cluster dev at 2026-12-07T21:00:00Z: should be asleep (schedule office-hours; next change"
            + " 2026-12-08T08:00:00Z awake), is awake: stopping it",
        text(false, Reconciliation.Action.STOP));
  }

  @Test
  void aDryRunSaysWhatItWouldDo() {
    assertEquals(
        "cluster dev at 2026-12-07T21:00:00Z: should be asleep (schedule office-hours; next change"
            + " 2026-12-08T08:00:00Z awake), is awake: would stop it",
        text(true, Reconciliation.Action.STOP));
  }

  @Test
  void aClusterNotOptedInIsNeverStoppedAndSaysWhy() {
    assertEquals(
        "cluster dev at 2026-12-07T21:00:00Z: should be asleep (schedule office-hours; next change"
            + " 2026-12-08T08:00:00Z awake), is awake: not opted in: it lacks the tag"
            + " eks-scheduler.io/hibernate=enabled and its fleet entry does not say force: true,"
            + " so it is never stopped",
        text(false, Reconciliation.Action.NOT_OPTED_IN));
  }

  @Test
  void jsonNamesTheUnfinishedRunAndANullNextWithoutOne() {
    RunSummary run =
        new RunSummary("r1", "hibernate", "cluster/dev", RunStatus.FAILED, AT, AT, 1, 7, "host");
    String line =
        ReconcileReport.render(
            "dev",
            AT,
            false,
            RunOptions.OutputFormat.json,
            new Reconciliation.Desired(true, "held until 2026-12-09", Optional.empty()),
            new Reconciliation.Actual(false, Optional.of(run)),
            Reconciliation.Action.START);
    assertEquals(
        "{\"cluster\":\"dev\",\"at\":\"2026-12-07T21:00:00Z\",\"desired\":\"awake\","
            + "\"because\":\"held until 2026-12-09\",\"actual\":\"partial\",\"action\":\"start\","
            + "\"unfinishedRun\":\"r1\",\"next\":null}",
        line);
  }

  @Test
  void jsonGivesTheNextChange() {
    String line =
        ReconcileReport.render(
            "dev",
            AT,
            false,
            RunOptions.OutputFormat.json,
            ASLEEP_UNTIL_MORNING,
            AWAKE,
            Reconciliation.Action.NOT_OPTED_IN);
    assertEquals(
        "{\"cluster\":\"dev\",\"at\":\"2026-12-07T21:00:00Z\",\"desired\":\"asleep\","
            + "\"because\":\"schedule office-hours\",\"actual\":\"awake\","
            + "\"action\":\"not-opted-in\",\"next\":{\"at\":\"2026-12-08T08:00:00Z\","
            + "\"desired\":\"awake\"}}",
        line);
  }
}
