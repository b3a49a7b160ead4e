package io.eksscheduler.cli.fleet;

import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.Step;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The longest a run of a playbook can last when every step uses all its attempts, each to its
 * timeout (or its deadline, when one bounds them together), with the longest waits between them:
 * what a Job running it must be allowed ({@code activeDeadlineSeconds}).
 *
 * <p>Steps run as a DAG, at most {@code concurrency} at once: a schedule of such work never lasts
 * longer than the work divided among the slots plus its longest chain (Graham's list-scheduling
 * bound), nor longer than all of it one after another. Finally steps run after the main steps.
 */
public final class RunBound {
  private RunBound() {}

  /** The bound of {@code playbook}: main steps, then finally steps. */
  public static Duration of(Playbook playbook) {
    return of(playbook.steps(), playbook.concurrency())
        .plus(of(playbook.finallySteps(), playbook.concurrency()));
  }

  /** The longest one step can take: all attempts to their timeout, the longest waits between. */
  public static Duration of(Step step) {
    if (step.deadline().isPresent()) {
      return step.deadline().get();
    }
    Duration total = step.timeout().multipliedBy(step.retry().attempts());
    for (int attempt = 2; attempt <= step.retry().attempts(); attempt++) {
      total = total.plus(step.retry().baseDelayBefore(attempt));
    }
    return total;
  }

  static Duration of(List<Step> steps, int concurrency) {
    Duration all = Duration.ZERO;
    for (Step s : steps) {
      all = all.plus(of(s));
    }
    Duration chain = longestChain(steps);
    Duration graham = all.dividedBy(Math.max(1, concurrency)).plus(chain);
    return graham.compareTo(all) < 0 ? graham : all;
  }

  /** The longest path through {@code needs}, weighted by each step's bound. */
  private static Duration longestChain(List<Step> steps) {
    Map<String, Step> byId = new HashMap<>();
    steps.forEach(s -> byId.put(s.id(), s));
    Map<String, Duration> until = new HashMap<>();
    Duration longest = Duration.ZERO;
    for (Step s : steps) {
      Duration d = finish(s, byId, until);
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    return longest;
  }

  private static Duration finish(Step s, Map<String, Step> byId, Map<String, Duration> until) {
    Duration known = until.get(s.id());
    if (known != null) {
      return known;
    }
    Duration start = Duration.ZERO;
    for (String need : s.needs()) {
      Step before = byId.get(need);
      if (before != null) {
        Duration d = finish(before, byId, until);
        start = d.compareTo(start) > 0 ? d : start;
      }
    }
    Duration end = start.plus(of(s));
    until.put(s.id(), end);
    return end;
  }
}
