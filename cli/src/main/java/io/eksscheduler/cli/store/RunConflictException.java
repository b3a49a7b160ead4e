package io.eksscheduler.cli.store;

import java.io.IOException;

/**
 * A write of a run refused because another runner wrote the run since this one last did: the run is
 * no longer this runner's to write.
 */
public final class RunConflictException extends IOException {
  private static final long serialVersionUID = 1L;

  public RunConflictException(String message) {
    super(message);
  }
}
