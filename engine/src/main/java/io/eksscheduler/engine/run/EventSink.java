package io.eksscheduler.engine.run;

import io.eksscheduler.engine.state.Event;

/** Receives what a run does, to show it: a terminal display, plain lines, or JSON lines. */
public interface EventSink {

  /** A recorded event (also in {@code events.jsonl}). */
  void event(Event event);

  /** What a running step is doing or waiting for now; shown live, not recorded. */
  default void progress(String stepId, String whatItWaitsFor) {}

  /** A sink that shows nothing. */
  static EventSink none() {
    return event -> {};
  }
}
