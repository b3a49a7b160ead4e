package io.eksscheduler.cli;

import io.eksscheduler.cli.fleet.Hold;
import io.eksscheduler.cli.fleet.Schedule;
import io.eksscheduler.engine.state.RunSummary;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What {@code reconcile} decides, level-triggered: the state a cluster should be in now (its hold
 * while one holds, else its schedule) against the state it is in (an unfinished stop or start of
 * its lock key, else what the cluster records), and so whether to stop it, start it, or leave it.
 */
final class Reconciliation {
  /** What reconcile does. */
  enum Action {
    /** The cluster is as it should be: no run, no change. */
    NONE,
    STOP,
    START,
    /** It should sleep, but lacks the opt-in tag and its entry does not say force. */
    NOT_OPTED_IN
  }

  /**
   * What the cluster should be.
   *
   * @param awake awake, else asleep
   * @param because why, for a person
   * @param next when the schedule next changes it, if within its horizon (while no hold holds)
   */
  record Desired(boolean awake, String because, Optional<Schedule.Change> next) {}

  /**
   * What the cluster is.
   *
   * @param asleep a stop's originals are recorded on it
   * @param unfinished the latest run of its lock key, when it did not end (a partial stop or start)
   */
  record Actual(boolean asleep, Optional<RunSummary> unfinished) {
    /** {@code awake}, {@code asleep} or {@code partial}, as status and notifications say it. */
    String word() {
      return unfinished.isPresent() ? "partial" : asleep ? "asleep" : "awake";
    }

    /** For a person. */
    String describe() {
      return unfinished
          .map(
              r ->
                  "partial: run "
                      + r.runId()
                      + " of "
                      + r.playbook()
                      + " is "
                      + r.status().label()
                      + ", started "
                      + r.startedAt())
          .orElse(word());
    }
  }

  private Reconciliation() {}

  /** What a cluster of {@code schedule} and {@code hold} (if any) should be at {@code t}. */
  static Desired desired(Schedule schedule, Optional<Hold> hold, Instant t) {
    if (hold.isPresent() && hold.get().activeAt(t)) {
      return new Desired(hold.get().awake(), "held " + hold.get().describe(), Optional.empty());
    }
    Schedule.Verdict v = schedule.at(t);
    String because =
        "schedule "
            + schedule.name().orElse("of its entry")
            + (hold.isPresent() ? " (its hold lapsed at " + hold.get().until() + ")" : "");
    return new Desired(v.awake(), because, v.next());
  }

  /**
   * What the cluster is: the latest of {@code ofKey} (the runs of its lock key) when it did not
   * end, else asleep as {@code recordedAsleep} says.
   */
  static Actual actual(List<RunSummary> ofKey, boolean recordedAsleep) {
    Optional<RunSummary> latest =
        ofKey.stream()
            .max(Comparator.comparing(RunSummary::startedAt).thenComparing(RunSummary::runId));
    return new Actual(recordedAsleep, latest.filter(r -> r.status().resumable()));
  }

  /** The latest run of {@code ofKey} when it did not end: the state is then partial. */
  static Optional<RunSummary> unfinished(List<RunSummary> ofKey) {
    return actual(ofKey, false).unfinished();
  }

  /**
   * What to do: start a cluster that should be awake and is asleep or partial; stop one that should
   * sleep and is awake or partial, if it opted in (or its entry says force).
   */
  static Action decide(Desired desired, Actual actual, boolean optedIn, boolean force) {
    boolean settled = actual.unfinished().isEmpty() && actual.asleep() != desired.awake();
    if (settled) {
      return Action.NONE;
    }
    if (desired.awake()) {
      return Action.START;
    }
    return optedIn || force ? Action.STOP : Action.NOT_OPTED_IN;
  }
}
