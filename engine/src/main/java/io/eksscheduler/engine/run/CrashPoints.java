package io.eksscheduler.engine.run;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A test-only switch that kills this JVM with SIGKILL at a named point, to prove that a crash at
 * that point loses nothing. Off unless the system property {@code eks-scheduler.crash-at} names a
 * point, e.g. {@code ledger-after:drain} ("just after step drain's ledger write").
 *
 * <p>Points: {@code ledger-before:STEP}, {@code ledger-after:STEP}, {@code effect-done:STEP} (after
 * the action returned, before the step's checkpoint), {@code step-start:STEP} and {@code
 * changed:STEP} (just after a mutating call of the action, see {@code ActionContext.changed}).
 * Actions may name their own points through {@code CrashPoints.reach}.
 *
 * <p>A second switch, {@code eks-scheduler.pause-at}, freezes the JVM at its point instead (it
 * sends itself SIGSTOP, once), as a long GC pause, a suspended VM or a lost network would: the
 * process goes on where it stopped when it gets SIGCONT. Tests of fencing use it.
 */
public final class CrashPoints {
  private static final String PROPERTY = "eks-scheduler.crash-at";
  private static final String PAUSE_PROPERTY = "eks-scheduler.pause-at";
  private static final java.util.concurrent.atomic.AtomicBoolean PAUSED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private CrashPoints() {}

  /** Kills the JVM if the switch names {@code point}; freezes it if the pause switch does. */
  public static void reach(String point) {
    if (point.equals(System.getProperty(PAUSE_PROPERTY)) && PAUSED.compareAndSet(false, true)) {
      System.err.println("pause point reached: " + point + " (SIGSTOP)");
      System.err.flush();
      try {
        new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid()))
            .inheritIO()
            .start()
            .waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("pausing at " + point, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.err.println("pause point left: " + point + " (SIGCONT)");
      System.err.flush();
    }
    String target = System.getProperty(PROPERTY);
    if (target == null || !target.equals(point)) {
      return;
    }
    System.err.println("crash point reached: " + point + " (SIGKILL)");
    System.err.flush();
    try {
      new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid()))
          .inheritIO()
          .start()
          .waitFor(10, TimeUnit.SECONDS);
      Thread.sleep(10_000);
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(137);
    }
    Runtime.getRuntime().halt(137);
  }
}
