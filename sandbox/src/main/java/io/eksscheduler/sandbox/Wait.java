package io.eksscheduler.sandbox;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes; the failure names what was awaited and the
 * last thing the condition reported, never just "timeout".
 */
public final class Wait {

  private Wait() {}

  /**
   * Waits until {@code pending} returns empty. While it returns a value (what is still missing),
   * polls every {@code interval}.
   *
   * @throws IllegalStateException after {@code timeout}, naming {@code what} and the last value
   */
  public static void until(
      String what, Duration timeout, Duration interval, Supplier<Optional<String>> pending) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not checked yet";
    while (true) {
      Optional<String> missing = pending.get();
      if (missing.isEmpty()) {
        return;
      }
      last = missing.get();
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException(
            "timed out after "
                + timeout.toSeconds()
                + "s waiting for "
                + what
                + "; still: "
                + last);
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for " + what + "; still: " + last, e);
      }
    }
  }
}
