package io.eksscheduler.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Turns SIGINT and SIGTERM into a request to stop soon: running steps are cancelled, the state is
 * saved, nothing new starts, and the command exits 3. A second signal while stopping is ignored for
 * the same reason: the state must be saved.
 */
final class Signals {
  private Signals() {}

  /** Installs the handlers; returns the flag they set. */
  static AtomicBoolean install(Runnable onFirst) {
    AtomicBoolean interrupted = new AtomicBoolean();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(
            new Signal(name),
            signal -> {
              if (interrupted.compareAndSet(false, true)) {
                onFirst.run();
              }
            });
      } catch (IllegalArgumentException e) {
        // The JVM reserves this signal here (e.g. with -Xrs); the default handling applies.
      }
    }
    return interrupted;
  }
}
