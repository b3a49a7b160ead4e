package io.eksscheduler.engine.expr;

import io.eksscheduler.engine.spi.ValueType;
import java.util.List;

/** Works out the static type of an expression and records the type mistakes it contains. */
final class TypeChecker {

  private final TypeResolver types;
  private final List<ExpressionProblem> problems;

  TypeChecker(TypeResolver types, List<ExpressionProblem> problems) {
    this.types = types;
    this.problems = problems;
  }

  /** Returns the static type of {@code expr}, appending any problems found. */
  ValueType check(Expr expr) {
    if (expr instanceof Expr.Literal) {
      return Values.typeOf(((Expr.Literal) expr).value());
    }
    if (expr instanceof Expr.Ref) {
      ValueType type = types.typeOf(((Expr.Ref) expr).reference());
      return type == null ? ValueType.ANY : type;
    }
    if (expr instanceof Expr.Not) {
      Expr operand = ((Expr.Not) expr).operand();
      ValueType type = check(operand);
      if (!accepts(ValueType.BOOLEAN, type)) {
        problems.add(
            new ExpressionProblem(operand.offset(), "'!' needs a boolean, got " + type.label()));
      }
      return ValueType.BOOLEAN;
    }
    Expr.Binary binary = (Expr.Binary) expr;
    BinaryOp op = binary.op();
    ValueType left = check(binary.left());
    ValueType right = check(binary.right());
    if (op.isLogical()) {
      requireBoolean(op, binary.left(), left);
      requireBoolean(op, binary.right(), right);
    } else if (op.isOrdering()) {
      if (!orderable(left, right)) {
        problems.add(
            new ExpressionProblem(
                binary.opOffset(),
                "'"
                    + op.symbol()
                    + "' needs two numbers or two strings, got "
                    + left.label()
                    + " and "
                    + right.label()));
      }
    } else if (left != ValueType.ANY
        && right != ValueType.ANY
        && left != right
        && !(Values.isNumeric(left) && Values.isNumeric(right))) {
      problems.add(
          new ExpressionProblem(
              binary.opOffset(),
              "comparing "
                  + left.label()
                  + " with "
                  + right.label()
                  + " is always "
                  + (op == BinaryOp.NE ? "true" : "false")));
    }
    return ValueType.BOOLEAN;
  }

  private void requireBoolean(BinaryOp op, Expr operand, ValueType type) {
    if (!accepts(ValueType.BOOLEAN, type)) {
      problems.add(
          new ExpressionProblem(
              operand.offset(), "'" + op.symbol() + "' needs booleans, got " + type.label()));
    }
  }

  private static boolean accepts(ValueType wanted, ValueType actual) {
    return actual == ValueType.ANY || actual == wanted;
  }

  private static boolean orderable(ValueType left, ValueType right) {
    if (left == ValueType.ANY) {
      return right == ValueType.ANY || right == ValueType.STRING || Values.isNumeric(right);
    }
    if (right == ValueType.ANY) {
      return left == ValueType.STRING || Values.isNumeric(left);
    }
    return (Values.isNumeric(left) && Values.isNumeric(right))
        || (left == ValueType.STRING && right == ValueType.STRING);
  }
}
