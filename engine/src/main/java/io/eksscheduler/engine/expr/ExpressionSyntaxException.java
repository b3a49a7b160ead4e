package io.eksscheduler.engine.expr;

/** Reports that a template or one of its expressions is not well formed, and where. */
public class ExpressionSyntaxException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int offset;

  /** Creates the exception for a mistake at {@code offset} in the original template text. */
  public ExpressionSyntaxException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /** The character offset of the mistake in the original template text. */
  public int offset() {
    return offset;
  }
}
