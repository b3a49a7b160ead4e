package io.eksscheduler.engine.expr;

/**
 * One lexical token of an expression.
 *
 * @param kind what the token is
 * @param value the name of an identifier, or the value of a literal; otherwise {@code null}
 * @param offset the character offset of the token in the original template text
 * @param source the token as written
 */
record Token(Kind kind, Object value, int offset, String source) {

  /** The kinds of token. */
  enum Kind {
    IDENT,
    STRING,
    INTEGER,
    DECIMAL,
    DOT,
    LPAREN,
    RPAREN,
    NOT,
    AND,
    OR,
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    END
  }

  /** Describes the token for an error message, such as {@code ')'} or {@code end of expression}. */
  String describe() {
    switch (kind) {
      case END:
        return "end of expression";
      case STRING:
        return "string literal";
      case INTEGER:
      case DECIMAL:
        return "number " + source;
      default:
        return "'" + source + "'";
    }
  }
}
