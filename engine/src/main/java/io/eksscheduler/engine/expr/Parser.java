package io.eksscheduler.engine.expr;

import io.eksscheduler.engine.expr.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one expression by recursive descent, bounding its nesting depth.
 *
 * <p>Precedence, loosest first: {@code ||}, {@code &&}, {@code == !=}, {@code < <= > >=}, unary
 * {@code !}, then literals, references and parentheses. Binary operators associate to the left.
 */
final class Parser {

  /** The deepest nesting of parentheses and {@code !} an expression may have. */
  static final int MAX_DEPTH = 64;

  private final List<Token> tokens;
  private final List<Reference> references;
  private int pos;
  private int depth;

  private Parser(List<Token> tokens, List<Reference> references) {
    this.tokens = tokens;
    this.references = references;
  }

  /**
   * Parses the expression in {@code text} between {@code start} and {@code end}, appending the
   * references it contains, in order, to {@code references}.
   */
  static Expr parse(String text, int start, int end, List<Reference> references)
      throws ExpressionSyntaxException {
    Parser parser = new Parser(Lexer.tokenize(text, start, end), references);
    Expr expr = parser.parseOr();
    Token last = parser.peek();
    if (last.kind() != Kind.END) {
      throw new ExpressionSyntaxException(
          "expected end of expression but found " + last.describe(), last.offset());
    }
    return expr;
  }

  private Expr parseOr() throws ExpressionSyntaxException {
    Expr left = parseAnd();
    while (peek().kind() == Kind.OR) {
      Token op = advance();
      left = new Expr.Binary(BinaryOp.OR, left, parseAnd(), op.offset());
    }
    return left;
  }

  private Expr parseAnd() throws ExpressionSyntaxException {
    Expr left = parseEquality();
    while (peek().kind() == Kind.AND) {
      Token op = advance();
      left = new Expr.Binary(BinaryOp.AND, left, parseEquality(), op.offset());
    }
    return left;
  }

  private Expr parseEquality() throws ExpressionSyntaxException {
    Expr left = parseComparison();
    while (true) {
      BinaryOp op = equalityOp(peek().kind());
      if (op == null) {
        return left;
      }
      Token token = advance();
      left = new Expr.Binary(op, left, parseComparison(), token.offset());
    }
  }

  private Expr parseComparison() throws ExpressionSyntaxException {
    Expr left = parseUnary();
    while (true) {
      BinaryOp op = comparisonOp(peek().kind());
      if (op == null) {
        return left;
      }
      Token token = advance();
      left = new Expr.Binary(op, left, parseUnary(), token.offset());
    }
  }

  private Expr parseUnary() throws ExpressionSyntaxException {
    if (peek().kind() != Kind.NOT) {
      return parsePrimary();
    }
    Token not = advance();
    enter(not);
    Expr operand = parseUnary();
    depth--;
    return new Expr.Not(operand, not.offset());
  }

  private Expr parsePrimary() throws ExpressionSyntaxException {
    Token token = peek();
    switch (token.kind()) {
      case LPAREN:
        advance();
        enter(token);
        Expr inner = parseOr();
        expect(Kind.RPAREN, "')'");
        depth--;
        return inner;
      case STRING:
      case INTEGER:
      case DECIMAL:
        advance();
        return new Expr.Literal(token.value(), token.offset());
      case IDENT:
        return parseIdentifier();
      default:
        throw new ExpressionSyntaxException(
            "expected an expression but found " + token.describe(), token.offset());
    }
  }

  private Expr parseIdentifier() throws ExpressionSyntaxException {
    Token first = advance();
    String name = (String) first.value();
    switch (name) {
      case "true":
        return new Expr.Literal(Boolean.TRUE, first.offset());
      case "false":
        return new Expr.Literal(Boolean.FALSE, first.offset());
      case "null":
        return new Expr.Literal(null, first.offset());
      default:
        break;
    }
    List<String> path = new ArrayList<>();
    path.add(name);
    while (peek().kind() == Kind.DOT) {
      advance();
      path.add((String) expect(Kind.IDENT, "a name after '.'").value());
    }
    Reference reference = new Reference(path, first.offset());
    references.add(reference);
    return new Expr.Ref(reference);
  }

  private void enter(Token token) throws ExpressionSyntaxException {
    depth++;
    if (depth > MAX_DEPTH) {
      throw new ExpressionSyntaxException(
          "expression nested too deeply (more than " + MAX_DEPTH + " levels)", token.offset());
    }
  }

  private Token expect(Kind kind, String what) throws ExpressionSyntaxException {
    Token token = peek();
    if (token.kind() != kind) {
      throw new ExpressionSyntaxException(
          "expected " + what + " but found " + token.describe(), token.offset());
    }
    return advance();
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token advance() {
    Token token = tokens.get(pos);
    if (token.kind() != Kind.END) {
      pos++;
    }
    return token;
  }

  private static BinaryOp equalityOp(Kind kind) {
    switch (kind) {
      case EQ:
        return BinaryOp.EQ;
      case NE:
        return BinaryOp.NE;
      default:
        return null;
    }
  }

  private static BinaryOp comparisonOp(Kind kind) {
    switch (kind) {
      case LT:
        return BinaryOp.LT;
      case LE:
        return BinaryOp.LE;
      case GT:
        return BinaryOp.GT;
      case GE:
        return BinaryOp.GE;
      default:
        return null;
    }
  }
}
