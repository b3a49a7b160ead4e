package io.eksscheduler.cli.store;

import java.io.IOException;

/** A write this runner's {@link Fence} refused: it may no longer change anything. */
public final class FencedException extends IOException {
  private static final long serialVersionUID = 1L;

  public FencedException(String message) {
    super(message);
  }
}
