package io.eksscheduler.engine.spi;

import java.time.Duration;

/** Waits for a while; unit tests substitute one that returns at once. */
@FunctionalInterface
public interface Sleeper {

  /** Blocks for {@code duration}, throwing {@link InterruptedException} if interrupted. */
  void sleep(Duration duration) throws InterruptedException;

  /** The sleeper backed by {@link Thread#sleep}. */
  static Sleeper system() {
    return duration -> Thread.sleep(Math.max(0, duration.toMillis()));
  }
}
