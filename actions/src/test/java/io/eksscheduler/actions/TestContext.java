package io.eksscheduler.actions;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.Ledger;
import io.eksscheduler.engine.spi.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * An action context for unit tests of retries: its clock moves only when the action sleeps, and it
 * records each sleep and each progress line. It has no ledger and no clients.
 */
public final class TestContext implements ActionContext {
  private Instant now = Instant.parse("2030-01-01T00:00:00Z");
  private final List<Duration> sleeps = new ArrayList<>();
  private final List<String> progress = new ArrayList<>();

  /** The sleeps the action asked for, in order. */
  public List<Duration> sleeps() {
    return sleeps;
  }

  /** The progress lines the action reported, in order. */
  public List<String> progress() {
    return progress;
  }

  /** The time now on this context's clock. */
  public Instant now() {
    return now;
  }

  @Override
  public String runId() {
    return "r-test";
  }

  @Override
  public String stepId() {
    return "step";
  }

  @Override
  public boolean dryRun() {
    return false;
  }

  @Override
  public Clock clock() {
    return Clock.fixed(now, ZoneOffset.UTC);
  }

  @Override
  public Sleeper sleeper() {
    return d -> {
      sleeps.add(d);
      now = now.plus(d);
    };
  }

  @Override
  public Ledger ledger() {
    throw new UnsupportedOperationException("no ledger in this test");
  }

  @Override
  public void progress(String whatItWaitsFor) {
    progress.add(whatItWaitsFor);
  }

  @Override
  public void log(String message) {}

  @Override
  public boolean cancelled() {
    return false;
  }

  @Override
  public <T> T client(Class<T> type) {
    throw new IllegalStateException("no client in this test: " + type.getSimpleName());
  }
}
