package io.eksscheduler.cli.fleet;

import java.time.Instant;

/** A span of time {@code [start, end)}. */
record Interval(Instant start, Instant end) {

  boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }
}
