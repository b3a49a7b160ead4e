package io.eksscheduler.engine.expr;

/** Reports that an expression could not be evaluated at run time, with a message for the user. */
public class EvaluationException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message for the user. */
  public EvaluationException(String message) {
    super(message);
  }

  /** Creates the exception with a message for the user and the failure that caused it. */
  public EvaluationException(String message, Throwable cause) {
    super(message, cause);
  }
}
