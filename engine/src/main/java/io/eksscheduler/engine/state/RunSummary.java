package io.eksscheduler.engine.state;

import java.time.Instant;

/**
 * What a listing shows of a run, without its steps: a store may answer it from an index instead of
 * reading every event of every run.
 *
 * @param runId the run's id
 * @param playbook {@code metadata.name} of its playbook
 * @param lockKey its rendered lock key, or null
 * @param status where it stood at its last run-level event
 * @param startedAt when it started
 * @param updatedAt its last run-level event (started, resumed, finished, interrupted)
 * @param round its round
 * @param pid the process that ran it last
 * @param host that process's machine
 */
public record RunSummary(
    String runId,
    String playbook,
    String lockKey,
    RunStatus status,
    Instant startedAt,
    Instant updatedAt,
    int round,
    long pid,
    String host) {

  /** The summary of a run's full state. */
  public static RunSummary of(RunState s) {
    return new RunSummary(
        s.runId(),
        s.playbook(),
        s.lockKey(),
        s.status(),
        s.startedAt(),
        s.updatedAt(),
        s.round(),
        s.pid(),
        s.host());
  }
}
