package io.eksscheduler.engine.expr;

/** A parsed expression: the tree the parser builds and the checker and evaluator walk. */
sealed interface Expr permits Expr.Literal, Expr.Ref, Expr.Not, Expr.Binary {

  /** The character offset where this expression starts in the original template text. */
  int offset();

  /** A string, integer ({@link Long}), decimal ({@link Double}), boolean or {@code null}. */
  record Literal(Object value, int offset) implements Expr {}

  /** A dotted reference resolved at run time. */
  record Ref(Reference reference) implements Expr {
    @Override
    public int offset() {
      return reference.offset();
    }
  }

  /** Logical negation; {@code offset} is that of the {@code !}. */
  record Not(Expr operand, int offset) implements Expr {}

  /** A binary operation; {@code opOffset} is that of the operator. */
  record Binary(BinaryOp op, Expr left, Expr right, int opOffset) implements Expr {
    @Override
    public int offset() {
      return left.offset();
    }
  }
}
