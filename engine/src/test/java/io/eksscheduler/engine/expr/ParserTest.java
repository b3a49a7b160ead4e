package io.eksscheduler.engine.expr;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {

  /** Parses a bare expression; offsets are then relative to its first character. */
  private static Expr parse(String expr) throws ExpressionSyntaxException {
    return Parser.parse(expr, 0, expr.length(), new ArrayList<>());
  }

  private static ExpressionSyntaxException syntaxError(String template) {
    return assertThrows(ExpressionSyntaxException.class, () -> Template.parse(template));
  }

  private static Expr.Ref ref(String text, int offset) {
    return new Expr.Ref(new Reference(List.of(text.split("\\.")), offset));
  }

  @Test
  void hyphenatedStepIdIsOneReference() throws Exception {
    Template template = Template.parse("${{ steps.check-capacity.outputs.nodes }}");

    assertEquals(
        List.of(new Reference(List.of("steps", "check-capacity", "outputs", "nodes"), 4)),
        template.references());
  }

  @Test
  void whitespaceAroundDotsIsAllowed() throws Exception {
    assertEquals(ref("params.name", 0), parse("params . name"));
  }

  @Test
  void andBindsTighterThanOr() throws Exception {
    Expr expected =
        new Expr.Binary(
            BinaryOp.OR,
            ref("a", 0),
            new Expr.Binary(BinaryOp.AND, ref("b", 5), ref("c", 10), 7),
            2);

    assertEquals(expected, parse("a || b && c"));
  }

  @Test
  void comparisonBindsTighterThanEquality() throws Exception {
    Expr expected =
        new Expr.Binary(
            BinaryOp.EQ, ref("a", 0), new Expr.Binary(BinaryOp.LT, ref("b", 5), ref("c", 9), 7), 2);

    assertEquals(expected, parse("a == b < c"));
  }

  @Test
  void notBindsTighterThanComparison() throws Exception {
    Expr expected = new Expr.Binary(BinaryOp.NE, new Expr.Not(ref("a", 1), 0), ref("b", 6), 3);

    assertEquals(expected, parse("!a != b"));
  }

  @Test
  void binaryOperatorsAssociateLeft() throws Exception {
    Expr expected =
        new Expr.Binary(
            BinaryOp.AND,
            new Expr.Binary(BinaryOp.AND, ref("a", 0), ref("b", 5), 2),
            ref("c", 10),
            7);

    assertEquals(expected, parse("a && b && c"));
  }

  @Test
  void parenthesesOverridePrecedence() throws Exception {
    Expr expected =
        new Expr.Binary(
            BinaryOp.AND,
            new Expr.Binary(BinaryOp.OR, ref("a", 1), ref("b", 6), 3),
            ref("c", 12),
            9);

    assertEquals(expected, parse("(a || b) && c"));
  }

  @Test
  void allComparisonOperatorsAreRecognised() throws Exception {
    assertEquals(BinaryOp.LE, ((Expr.Binary) parse("a<=b")).op());
    assertEquals(BinaryOp.GE, ((Expr.Binary) parse("a>=b")).op());
    assertEquals(BinaryOp.GT, ((Expr.Binary) parse("a>b")).op());
    assertEquals(BinaryOp.LT, ((Expr.Binary) parse("a<b")).op());
  }

  @Test
  void stringEscapesAreDecoded() throws Exception {
    assertEquals(new Expr.Literal("it's \"x\"\t\\\n", 0), parse("'it\\'s \\\"x\\\"\\t\\\\\\n'"));
  }

  @Test
  void doubleQuotedStringMayHoldSingleQuote() throws Exception {
    assertEquals(new Expr.Literal("it's", 0), parse("\"it's\""));
  }

  @Test
  void integerLiteralIsLong() throws Exception {
    assertEquals(new Expr.Literal(9_000_000_000L, 0), parse("9000000000"));
  }

  @Test
  void decimalLiteralIsDouble() throws Exception {
    assertEquals(new Expr.Literal(0.25, 0), parse("0.25"));
  }

  @Test
  void negativeNumberIsOneLiteral() throws Exception {
    assertEquals(
        new Expr.Binary(BinaryOp.GT, ref("a", 0), new Expr.Literal(-1L, 4), 2), parse("a > -1"));
  }

  @Test
  void keywordsAreLiterals() throws Exception {
    assertEquals(new Expr.Literal(true, 0), parse("true"));
    assertEquals(new Expr.Literal(false, 0), parse("false"));
    assertEquals(new Expr.Literal(null, 0), parse("null"));
  }

  @Test
  void keywordsMayBePathSegments() throws Exception {
    assertEquals(ref("params.null", 0), parse("params.null"));
  }

  @Test
  void missingCloseParenReportsOffset() {
    ExpressionSyntaxException e = syntaxError("${{ (a }}");

    assertEquals("expected ')' but found end of expression", e.getMessage());
    assertEquals(7, e.offset());
  }

  @Test
  void unexpectedCharacterReportsOffset() {
    ExpressionSyntaxException e = syntaxError("run ${{ a @ b }}");

    assertEquals("unexpected character '@'", e.getMessage());
    assertEquals(10, e.offset());
  }

  @Test
  void singleEqualsSuggestsDoubleEquals() {
    ExpressionSyntaxException e = syntaxError("${{ a = b }}");

    assertEquals("unexpected character '=' (did you mean '=='?)", e.getMessage());
    assertEquals(6, e.offset());
  }

  @Test
  void singleAmpersandSuggestsDoubleAmpersand() {
    assertEquals(
        "unexpected character '&' (did you mean '&&'?)", syntaxError("${{ a & b }}").getMessage());
  }

  @Test
  void unterminatedStringLiteralReportsQuoteOffset() {
    ExpressionSyntaxException e = syntaxError("${{ 'abc }}");

    assertEquals("unterminated string literal", e.getMessage());
    assertEquals(4, e.offset());
  }

  @Test
  void unknownEscapeIsRefused() {
    ExpressionSyntaxException e = syntaxError("${{ 'a\\qb' }}");

    assertEquals("unknown escape '\\q' in string literal", e.getMessage());
    assertEquals(6, e.offset());
  }

  @Test
  void trailingTokenIsRefused() {
    ExpressionSyntaxException e = syntaxError("${{ a b }}");

    assertEquals("expected end of expression but found 'b'", e.getMessage());
    assertEquals(6, e.offset());
  }

  @Test
  void missingOperandIsReported() {
    ExpressionSyntaxException e = syntaxError("${{ a && }}");

    assertEquals("expected an expression but found end of expression", e.getMessage());
    assertEquals(9, e.offset());
  }

  @Test
  void dotWithoutNameIsRefused() {
    ExpressionSyntaxException e = syntaxError("${{ params. == 1 }}");

    assertEquals("expected a name after '.' but found '=='", e.getMessage());
    assertEquals(12, e.offset());
  }

  @Test
  void integerOutOfRangeIsRefused() {
    ExpressionSyntaxException e = syntaxError("${{ 99999999999999999999 }}");

    assertEquals("integer literal out of range: 99999999999999999999", e.getMessage());
    assertEquals(4, e.offset());
  }

  @Test
  void syntaxErrorReportsOffsetInLaterExpression() {
    ExpressionSyntaxException e = syntaxError("x ${{ a }} y ${{ b ) }}");

    assertEquals("expected end of expression but found ')'", e.getMessage());
    assertEquals(19, e.offset());
  }

  @Test
  void deepNestingIsRefused() {
    String text = "${{ " + "(".repeat(65) + "a" + ")".repeat(65) + " }}";

    ExpressionSyntaxException e = syntaxError(text);

    assertEquals("expression nested too deeply (more than 64 levels)", e.getMessage());
    assertEquals(4 + 64, e.offset());
  }

  @Test
  void nestingAtLimitIsAccepted() {
    String text = "${{ " + "(".repeat(64) + "a" + ")".repeat(64) + " }}";

    assertDoesNotThrow(() -> Template.parse(text));
  }

  @Test
  void deepNegationIsRefused() {
    ExpressionSyntaxException e = syntaxError("${{ " + "!".repeat(65) + "true }}");

    assertEquals("expression nested too deeply (more than 64 levels)", e.getMessage());
    assertEquals(4 + 64, e.offset());
  }

  @Test
  void longOperatorChainWithinLengthLimitParsesAndEvaluates() throws Exception {
    String text = "${{ " + "false || ".repeat(450) + "true }}";

    assertEquals(Boolean.TRUE, Template.parse(text).render(ref -> null));
  }
}
