package io.eksscheduler.cli;

import io.eksscheduler.engine.spi.Durations;
import io.eksscheduler.engine.state.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What {@code stop} and {@code start} do with the unfinished runs of their cluster's lock key: they
 * continue one only when it is a run of their own playbook, the latest run of that key, and younger
 * than the age allowed (12 h by default); every other unfinished run of the key is abandoned (its
 * finally steps run), so that a stop that failed on Friday is never continued on Monday night after
 * a successful start, skipping its sleep step, and a start interrupted before tonight's stop does
 * not wake the cluster tomorrow from a stale half.
 */
final class Continuation {
  /** The default age past which an unfinished run is abandoned instead of continued. */
  static final Duration DEFAULT_MAX_AGE = Duration.ofHours(12);

  /**
   * An unfinished run not to continue, and why.
   *
   * @param run the run
   * @param reason why it is abandoned, for a person
   */
  record Stale(RunSummary run, String reason) {}

  /**
   * The decision.
   *
   * @param resume the run to continue, if any
   * @param abandon the unfinished runs to abandon first, oldest first
   */
  record Decision(Optional<RunSummary> resume, List<Stale> abandon) {}

  private Continuation() {}

  /**
   * Decides for {@code ofKey}, every run of one lock key (any status), what a new run of playbook
   * {@code playbook} does at {@code now}.
   */
  static Decision decide(List<RunSummary> ofKey, String playbook, Instant now, Duration maxAge) {
    List<RunSummary> runs = new ArrayList<>(ofKey);
    runs.sort(Comparator.comparing(RunSummary::startedAt).thenComparing(RunSummary::runId));
    if (runs.isEmpty()) {
      return new Decision(Optional.empty(), List.of());
    }
    RunSummary latest = runs.get(runs.size() - 1);
    Optional<RunSummary> resume = Optional.empty();
    List<Stale> abandon = new ArrayList<>();
    for (RunSummary r : runs) {
      if (!r.status().resumable()) {
        continue;
      }
      String reason;
      if (r != latest) {
        reason =
            "not the latest run of lock '"
                + r.lockKey()
                + "': run "
                + latest.runId()
                + " ("
                + latest.playbook()
                + ", "
                + latest.status().label()
                + ") started after it, at "
                + latest.startedAt();
      } else if (!r.playbook().equals(playbook)) {
        reason = "a run of playbook " + r.playbook() + ", and this is a run of " + playbook;
      } else if (Duration.between(r.startedAt(), now).compareTo(maxAge) >= 0) {
        reason =
            "started at "
                + r.startedAt()
                + ", "
                + Durations.format(Duration.between(r.startedAt(), now).withNanos(0))
                + " ago: older than the "
                + Durations.format(maxAge)
                + " within which an unfinished run is continued";
      } else {
        resume = Optional.of(r);
        continue;
      }
      abandon.add(new Stale(r, reason));
    }
    return new Decision(resume, abandon);
  }
}
