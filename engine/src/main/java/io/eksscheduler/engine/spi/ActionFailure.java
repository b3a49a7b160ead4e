package io.eksscheduler.engine.spi;

/**
 * Reports that an action could not do its work, with a message meant for the user.
 *
 * <p>The engine shows the message without a stack trace and applies the step's retry policy unless
 * {@link #retryable()} is false.
 */
public class ActionFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public ActionFailure(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public ActionFailure(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** False when trying again cannot help (bad input, a refused permission). */
  public boolean retryable() {
    return retryable;
  }
}
