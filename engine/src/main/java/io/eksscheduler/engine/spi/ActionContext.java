package io.eksscheduler.engine.spi;

import java.time.Clock;
import java.util.List;

/** Gives an action everything it may use from the outside world during one step attempt. */
public interface ActionContext {

  /** The id of the run this step belongs to. */
  String runId();

  /** The id of the step being planned or applied. */
  String stepId();

  /** True while the engine only plans (dry-run): nothing may change. */
  boolean dryRun();

  /** The clock to read time from; tests pass a controllable one. */
  Clock clock();

  /** The way to wait; interruptible, and instant in unit tests. */
  Sleeper sleeper();

  /** This step's durable record of what it needs to undo or continue. */
  Ledger ledger();

  /** Says, for the progress display, what the step is doing or waiting for now. */
  void progress(String whatItWaitsFor);

  /**
   * Says that a mutating call of this step has just returned. Actions call it after each change
   * they make, so that crash tests can stop the process right there (crash point {@code
   * changed:STEP}) and prove that a resume finishes the job from the ledger.
   */
  default void changed() {}

  /**
   * The effects the earlier steps of this dry-run predicted, in the order they would happen; empty
   * in a run, where the cluster itself shows what earlier steps did.
   */
  default List<Effect> predicted() {
    return List.of();
  }

  /**
   * Says that the plan being made used {@code effect}, one of {@link #predicted()}: the dry-run
   * then tells when it came from a step that a run may not have finished by then.
   */
  default void read(Effect effect) {}

  /** Writes one line to the run's log, shown to the user and kept in the run's events. */
  void log(String message);

  /** True once the step should stop soon: the run was interrupted or the attempt timed out. */
  boolean cancelled();

  /**
   * Throws {@link InterruptedException} if the step should stop, so loops can check it between
   * calls.
   */
  default void checkCancelled() throws InterruptedException {
    if (cancelled() || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("step " + stepId() + " was cancelled");
    }
  }

  /**
   * Returns the client of the given type that the command line registered for this run.
   *
   * @throws IllegalStateException naming the type when none was registered
   */
  <T> T client(Class<T> type);
}
