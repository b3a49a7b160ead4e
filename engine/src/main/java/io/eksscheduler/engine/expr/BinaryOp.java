package io.eksscheduler.engine.expr;

/** The binary operators of the expression language. */
enum BinaryOp {
  OR("||"),
  AND("&&"),
  EQ("=="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">=");

  private final String symbol;

  BinaryOp(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written, such as {@code &&}. */
  String symbol() {
    return symbol;
  }

  boolean isLogical() {
    return this == OR || this == AND;
  }

  boolean isOrdering() {
    return this == LT || this == LE || this == GT || this == GE;
  }
}
