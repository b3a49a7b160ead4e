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
 */
public final class CrashPoints {
  private static final String PROPERTY = "eks-scheduler.crash-at";

  private CrashPoints() {}

  /** Kills the JVM if the switch names {@code point}. */
  public static void reach(String point) {
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
