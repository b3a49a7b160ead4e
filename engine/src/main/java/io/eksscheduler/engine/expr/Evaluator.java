package io.eksscheduler.engine.expr;

/** Computes the run-time value of an expression, reading references through a resolver. */
final class Evaluator {

  private final Resolver resolver;

  Evaluator(Resolver resolver) {
    this.resolver = resolver;
  }

  /** Returns the normalised value of {@code expr}. */
  Object evaluate(Expr expr) throws EvaluationException {
    if (expr instanceof Expr.Literal) {
      return ((Expr.Literal) expr).value();
    }
    if (expr instanceof Expr.Ref) {
      Reference reference = ((Expr.Ref) expr).reference();
      return Values.normalize(resolver.resolve(reference), reference);
    }
    if (expr instanceof Expr.Not) {
      Object operand = evaluate(((Expr.Not) expr).operand());
      if (!(operand instanceof Boolean)) {
        throw new EvaluationException("'!' needs a boolean, got " + Values.describe(operand));
      }
      return !(Boolean) operand;
    }
    return binary((Expr.Binary) expr);
  }

  private Object binary(Expr.Binary binary) throws EvaluationException {
    BinaryOp op = binary.op();
    Object left = evaluate(binary.left());
    if (op.isLogical()) {
      boolean leftValue = requireBoolean(op, left);
      if (op == BinaryOp.AND ? !leftValue : leftValue) {
        return leftValue;
      }
      return requireBoolean(op, evaluate(binary.right()));
    }
    Object right = evaluate(binary.right());
    switch (op) {
      case EQ:
        return Values.equal(left, right);
      case NE:
        return !Values.equal(left, right);
      default:
        return order(op, left, right);
    }
  }

  private static boolean requireBoolean(BinaryOp op, Object value) throws EvaluationException {
    if (!(value instanceof Boolean)) {
      throw new EvaluationException(
          "'" + op.symbol() + "' needs booleans, got " + Values.describe(value));
    }
    return (Boolean) value;
  }

  private static boolean order(BinaryOp op, Object left, Object right) throws EvaluationException {
    int comparison;
    if (left instanceof Number && right instanceof Number) {
      comparison = Values.compareNumbers((Number) left, (Number) right);
      if (comparison == Integer.MIN_VALUE) {
        return false;
      }
    } else if (left instanceof String && right instanceof String) {
      comparison = ((String) left).compareTo((String) right);
    } else {
      throw new EvaluationException(
          "'"
              + op.symbol()
              + "' needs two numbers or two strings, got "
              + Values.describe(left)
              + " and "
              + Values.describe(right));
    }
    switch (op) {
      case LT:
        return comparison < 0;
      case LE:
        return comparison <= 0;
      case GT:
        return comparison > 0;
      default:
        return comparison >= 0;
    }
  }
}
