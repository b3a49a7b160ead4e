package io.eksscheduler.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When a log without a live display (CI, a Job's pod, {@code --output json}) gets a line about what
 * a step waits for: the first time it says so, then at most every {@link #EVERY}, so that a long
 * wait is never silent for more than about 15 s and a poll every second does not flood the log.
 */
final class ProgressPace {
  static final Duration EVERY = Duration.ofSeconds(10);

  private final Map<String, Instant> last = new HashMap<>();

  /** True when a line about step {@code stepId} is due at {@code now}; notes it as written. */
  synchronized boolean due(String stepId, Instant now) {
    Instant before = last.get(stepId);
    if (before != null && Duration.between(before, now).compareTo(EVERY) < 0) {
      return false;
    }
    last.put(stepId, now);
    return true;
  }

  /** Forgets {@code stepId}: its next wait is said at once. */
  synchronized void done(String stepId) {
    last.remove(stepId);
  }
}
