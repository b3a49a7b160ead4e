package io.eksscheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContinuationTest {
  private static final Instant NOW = Instant.parse("2026-12-07T19:00:00Z");
  private static final Duration AGE = Duration.ofHours(12);

  private static RunSummary run(String id, String playbook, RunStatus status, Instant started) {
    return new RunSummary(id, playbook, "cluster/dev", status, started, started, 1, 1, "h");
  }

  private static Instant ago(Duration d) {
    return NOW.minus(d);
  }

  @Test
  void noRunsStartsFresh() {
    Continuation.Decision d = Continuation.decide(List.of(), "hibernate", NOW, AGE);
    assertEquals(Optional.empty(), d.resume());
    assertEquals(List.of(), d.abandon());
  }

  @Test
  void theLatestUnfinishedRunOfTheSamePlaybookWithinTheAgeIsContinued() {
    RunSummary done = run("a", "wake", RunStatus.SUCCEEDED, ago(Duration.ofHours(10)));
    RunSummary failed = run("b", "hibernate", RunStatus.FAILED, ago(Duration.ofMinutes(20)));
    Continuation.Decision d = Continuation.decide(List.of(failed, done), "hibernate", NOW, AGE);
    assertEquals(Optional.of(failed), d.resume());
    assertEquals(List.of(), d.abandon());
  }

  @Test
  void aFailedStopSupersededByASuccessfulStartIsAbandonedNotContinued() {
    RunSummary friday = run("fri", "hibernate", RunStatus.FAILED, ago(Duration.ofHours(72)));
    RunSummary monday = run("mon", "wake", RunStatus.SUCCEEDED, ago(Duration.ofHours(12)));
    Continuation.Decision d = Continuation.decide(List.of(friday, monday), "hibernate", NOW, AGE);
    assertEquals(Optional.empty(), d.resume());
    assertEquals(1, d.abandon().size());
    assertEquals("fri", d.abandon().get(0).run().runId());
    assertTrue(d.abandon().get(0).reason().contains("run mon (wake, succeeded) started after it"));
  }

  @Test
  void anUnfinishedRunOfTheOtherPlaybookIsAbandoned() {
    RunSummary start = run("s", "wake", RunStatus.INTERRUPTED, ago(Duration.ofHours(1)));
    Continuation.Decision d = Continuation.decide(List.of(start), "hibernate", NOW, AGE);
    assertEquals(Optional.empty(), d.resume());
    assertTrue(d.abandon().get(0).reason().contains("a run of playbook wake"));
  }

  @Test
  void anUnfinishedRunOlderThanTheAgeIsAbandoned() {
    RunSummary old = run("o", "hibernate", RunStatus.RUNNING, ago(Duration.ofHours(13)));
    Continuation.Decision d = Continuation.decide(List.of(old), "hibernate", NOW, AGE);
    assertEquals(Optional.empty(), d.resume());
    assertTrue(d.abandon().get(0).reason().contains("13h ago: older than the 12h"), d.toString());
  }

  @Test
  void everyOlderUnfinishedRunIsAbandonedOldestFirstAndTheLatestContinued() {
    RunSummary one = run("1", "hibernate", RunStatus.FAILED, ago(Duration.ofHours(5)));
    RunSummary two = run("2", "wake", RunStatus.RUNNING, ago(Duration.ofHours(3)));
    RunSummary three = run("3", "hibernate", RunStatus.INTERRUPTED, ago(Duration.ofHours(1)));
    Continuation.Decision d = Continuation.decide(List.of(three, one, two), "hibernate", NOW, AGE);
    assertEquals(Optional.of(three), d.resume());
    assertEquals(List.of("1", "2"), d.abandon().stream().map(s -> s.run().runId()).toList());
  }

  @Test
  void finishedRunsAreNeitherContinuedNorAbandoned() {
    RunSummary ok = run("ok", "hibernate", RunStatus.SUCCEEDED, ago(Duration.ofHours(1)));
    RunSummary gone = run("gone", "hibernate", RunStatus.ABANDONED, ago(Duration.ofHours(2)));
    Continuation.Decision d = Continuation.decide(List.of(ok, gone), "hibernate", NOW, AGE);
    assertEquals(Optional.empty(), d.resume());
    assertEquals(List.of(), d.abandon());
  }
}
