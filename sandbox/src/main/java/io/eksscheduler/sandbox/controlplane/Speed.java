package io.eksscheduler.sandbox.controlplane;

import java.time.Duration;

/**
 * How much faster than real time the sandbox's SIMULATED delays run (a node turning Ready, a
 * container starting, a Job finishing). It never shortens a client's timeout, nor a grace period
 * given on a delete: the API server sets a deleted pod's deletionTimestamp to now + grace, and KWOK
 * removes the pod exactly then. Only the grace periods the scenario's own pods declare are divided
 * by it at {@code up} (see {@code Scenario.atSpeed}).
 */
public record Speed(double factor) {

  /** Real time. */
  public static final Speed REAL_TIME = new Speed(1.0);

  public Speed {
    if (!(factor >= 0.01 && factor <= 1000)) {
      throw new IllegalArgumentException(
          "speed factor must be between 0.01 and 1000, got " + factor);
    }
  }

  /** A simulated delay at this speed, rounded down to whole milliseconds. */
  public long scaledMillis(Duration simulated) {
    return (long) Math.floor(simulated.toMillis() / factor);
  }

  /** The factor as jq accepts it in a number literal. */
  public String jqLiteral() {
    return factor == Math.rint(factor) ? Long.toString((long) factor) : Double.toString(factor);
  }
}
