package io.eksscheduler.engine.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeCheckTest {

  private static final TypeResolver TYPES =
      ref ->
          Map.of(
                  "params.name", ValueType.STRING,
                  "params.count", ValueType.INTEGER,
                  "params.ratio", ValueType.NUMBER,
                  "params.force", ValueType.BOOLEAN,
                  "steps.drain.outputs.nodes", ValueType.ARRAY)
              .getOrDefault(ref.text(), ValueType.ANY);

  private final List<ExpressionProblem> problems = new ArrayList<>();

  private ValueType check(String template) throws ExpressionSyntaxException {
    return Template.parse(template).check(TYPES, problems);
  }

  @Test
  void referenceTypeComesFromTypeResolver() throws Exception {
    assertEquals(ValueType.ARRAY, check("${{ steps.drain.outputs.nodes }}"));
    assertTrue(problems.isEmpty());
  }

  @Test
  void literalTypesAreKnown() throws Exception {
    assertEquals(ValueType.STRING, check("${{ 'a' }}"));
    assertEquals(ValueType.INTEGER, check("${{ 1 }}"));
    assertEquals(ValueType.NUMBER, check("${{ 1.5 }}"));
    assertEquals(ValueType.BOOLEAN, check("${{ false }}"));
  }

  @Test
  void nullLiteralIsAny() throws Exception {
    assertEquals(ValueType.ANY, check("${{ null }}"));
  }

  @Test
  void comparisonResultIsBoolean() throws Exception {
    assertEquals(ValueType.BOOLEAN, check("${{ params.count >= 3 }}"));
    assertTrue(problems.isEmpty());
  }

  @Test
  void notOnStringIsProblemAtOperand() throws Exception {
    check("${{ !params.name }}");

    assertEquals(List.of(new ExpressionProblem(5, "'!' needs a boolean, got string")), problems);
  }

  @Test
  void andWithIntegerOperandIsProblemAtOperand() throws Exception {
    check("${{ params.force && params.count }}");

    assertEquals(List.of(new ExpressionProblem(20, "'&&' needs booleans, got integer")), problems);
  }

  @Test
  void orWithTwoBadOperandsReportsBoth() throws Exception {
    check("${{ 'a' || 1 }}");

    assertEquals(
        List.of(
            new ExpressionProblem(4, "'||' needs booleans, got string"),
            new ExpressionProblem(11, "'||' needs booleans, got integer")),
        problems);
  }

  @Test
  void orderingStringWithIntegerIsProblemAtOperator() throws Exception {
    check("${{ params.name < params.count }}");

    assertEquals(
        List.of(
            new ExpressionProblem(
                16, "'<' needs two numbers or two strings, got string and integer")),
        problems);
  }

  @Test
  void orderingBooleansIsProblemEvenAgainstAny() throws Exception {
    check("${{ params.force > params.unknown }}");

    assertEquals(
        List.of(
            new ExpressionProblem(17, "'>' needs two numbers or two strings, got boolean and any")),
        problems);
  }

  @Test
  void orderingIntegerWithNumberIsFine() throws Exception {
    check("${{ params.count <= params.ratio }}");

    assertTrue(problems.isEmpty());
  }

  @Test
  void orderingStringsIsFine() throws Exception {
    check("${{ params.name > 'm' }}");

    assertTrue(problems.isEmpty());
  }

  @Test
  void equalityOfStringAndBooleanIsAlwaysFalse() throws Exception {
    check("${{ params.name == true }}");

    assertEquals(
        List.of(new ExpressionProblem(16, "comparing string with boolean is always false")),
        problems);
  }

  @Test
  void inequalityOfArrayAndIntegerIsAlwaysTrue() throws Exception {
    check("${{ steps.drain.outputs.nodes != 0 }}");

    assertEquals(
        List.of(new ExpressionProblem(30, "comparing array with integer is always true")),
        problems);
  }

  @Test
  void equalityOfIntegerAndNumberIsFine() throws Exception {
    check("${{ params.count == 1.0 }}");

    assertTrue(problems.isEmpty());
  }

  @Test
  void anyIsCompatibleWithEverything() throws Exception {
    check("${{ !env.X && env.Y == 'a' && env.Z < 3 || env.W == null }}");

    assertTrue(problems.isEmpty());
  }

  @Test
  void problemsInEveryInterpolatedExpressionAreReported() throws Exception {
    ValueType type = check("a ${{ !1 }} b ${{ !'x' }}");

    assertEquals(ValueType.STRING, type);
    assertEquals(
        List.of(
            new ExpressionProblem(7, "'!' needs a boolean, got integer"),
            new ExpressionProblem(19, "'!' needs a boolean, got string")),
        problems);
  }
}
