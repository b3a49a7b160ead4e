package io.eksscheduler.engine.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

  private static Resolver values(Map<String, Object> values) {
    return ref -> {
      if (!values.containsKey(ref.text())) {
        throw new EvaluationException("unknown reference '" + ref.text() + "'");
      }
      return values.get(ref.text());
    };
  }

  private static Object render(String text, Map<String, Object> values) throws Exception {
    return Template.parse(text).render(values(values));
  }

  @Test
  void plainTextHasNoExpressions() throws Exception {
    Template template = Template.parse("drain the nodes");

    assertFalse(template.hasExpressions());
    assertFalse(template.isWholeExpression());
    assertTrue(template.references().isEmpty());
  }

  @Test
  void plainTextRendersUnchanged() throws Exception {
    assertEquals("drain }} the nodes", render("drain }} the nodes", Map.of()));
  }

  @Test
  void containsExpressionDetectsMarker() {
    assertTrue(Template.containsExpression("a ${{ b }}"));
    assertFalse(Template.containsExpression("a ${ b }"));
    assertFalse(Template.containsExpression(null));
  }

  @Test
  void wholeExpressionKeepsIntegerType() throws Exception {
    assertEquals(3L, render("${{ params.count }}", Map.of("params.count", 3)));
  }

  @Test
  void wholeExpressionKeepsBooleanType() throws Exception {
    assertEquals(Boolean.TRUE, render("${{ params.count > 2 }}", Map.of("params.count", 3)));
  }

  @Test
  void wholeExpressionKeepsListType() throws Exception {
    Object value =
        render(
            "${{ steps.drain.outputs.nodes }}",
            Map.of("steps.drain.outputs.nodes", List.of("a", 1)));

    assertEquals(List.of("a", 1L), value);
  }

  @Test
  void wholeExpressionKeepsNull() throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("params.missing", null);

    assertNull(render("${{ params.missing }}", values));
  }

  @Test
  void surroundingWhitespaceStillCountsAsWholeExpression() throws Exception {
    Template template = Template.parse("  ${{ 42 }}\n");

    assertTrue(template.isWholeExpression());
    assertEquals(42L, template.render(values(Map.of())));
  }

  @Test
  void interpolationRendersText() throws Exception {
    Object value =
        render(
            "node ${{ params.n }} of ${{ params.total }}: ${{ params.name }}",
            Map.of("params.n", 2, "params.total", 5L, "params.name", "ip-10-0-0-1"));

    assertEquals("node 2 of 5: ip-10-0-0-1", value);
  }

  @Test
  void interpolationRendersDecimalAndBoolean() throws Exception {
    assertEquals("ratio 2.5 ok true", render("ratio ${{ 2.5 }} ok ${{ true }}", Map.of()));
  }

  @Test
  void interpolationKeepsFractionOfIntegralDecimal() throws Exception {
    assertEquals("2.0 of 2", render("${{ 2.0 }} of ${{ 2 }}", Map.of()));
  }

  @Test
  void interpolationRendersNullAsEmptyText() throws Exception {
    assertEquals("[]", render("[${{ null }}]", Map.of()));
  }

  @Test
  void interpolationRendersListAsCompactJson() throws Exception {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("k", "say \"hi\"\n");
    inner.put("n", 1.5);
    List<Object> list = new ArrayList<>(Arrays.asList("a", 1, null, true, inner));

    Object value = render("nodes=${{ params.list }}", Map.of("params.list", list));

    assertEquals("nodes=[\"a\",1,null,true,{\"k\":\"say \\\"hi\\\"\\n\",\"n\":1.5}]", value);
  }

  @Test
  void interpolationRendersMapAsCompactJson() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("zone", "eu-west-1a");
    map.put("nodes", List.of(1, 2));

    Object value = render("x${{ params.map }}", Map.of("params.map", map));

    assertEquals("x{\"zone\":\"eu-west-1a\",\"nodes\":[1,2]}", value);
  }

  @Test
  void twoExpressionsAreNotWhole() throws Exception {
    Template template = Template.parse("${{ 1 }}${{ 2 }}");

    assertFalse(template.isWholeExpression());
    assertEquals("12", template.render(values(Map.of())));
  }

  @Test
  void referencesKeepOriginalOffsetsInOrder() throws Exception {
    String text = "a ${{ params.x }} b ${{ steps.s.outputs.y == run.id }}";

    List<Reference> refs = Template.parse(text).references();

    assertEquals(
        List.of(
            new Reference(List.of("params", "x"), 6),
            new Reference(List.of("steps", "s", "outputs", "y"), 24),
            new Reference(List.of("run", "id"), 45)),
        refs);
    assertEquals("run.id", refs.get(2).text());
  }

  @Test
  void closingBracesInsideStringDoNotEndExpression() throws Exception {
    assertEquals("a}}b", render("${{ 'a}}b' }}", Map.of()));
  }

  @Test
  void doubleDollarIsNotAnEscape() throws Exception {
    assertEquals("$1", render("$${{ 1 }}", Map.of()));
  }

  @Test
  void unterminatedExpressionIsSyntaxError() {
    ExpressionSyntaxException e =
        assertThrows(ExpressionSyntaxException.class, () -> Template.parse("abc ${{ params.x }"));

    assertEquals("unterminated expression: missing '}}'", e.getMessage());
    assertEquals(4, e.offset());
  }

  @Test
  void emptyExpressionIsSyntaxError() {
    ExpressionSyntaxException e =
        assertThrows(ExpressionSyntaxException.class, () -> Template.parse("x ${{   }}"));

    assertEquals("empty expression", e.getMessage());
    assertEquals(2, e.offset());
  }

  @Test
  void overlongExpressionIsRefused() {
    String text = "x ${{ " + "a || ".repeat(1000) + "a }}";

    ExpressionSyntaxException e =
        assertThrows(ExpressionSyntaxException.class, () -> Template.parse(text));

    assertEquals("expression too long (more than 4096 characters)", e.getMessage());
    assertEquals(2, e.offset());
  }

  @Test
  void checkReturnsStringForInterpolation() throws Exception {
    List<ExpressionProblem> problems = new ArrayList<>();

    ValueType type = Template.parse("n=${{ 1 }}").check(ref -> ValueType.ANY, problems);

    assertEquals(ValueType.STRING, type);
    assertTrue(problems.isEmpty());
  }

  @Test
  void checkReturnsStringForPlainText() throws Exception {
    List<ExpressionProblem> problems = new ArrayList<>();

    assertEquals(ValueType.STRING, Template.parse("plain").check(ref -> ValueType.ANY, problems));
  }

  @Test
  void checkReturnsExpressionTypeForWholeExpression() throws Exception {
    List<ExpressionProblem> problems = new ArrayList<>();

    ValueType type = Template.parse(" ${{ 7 }} ").check(ref -> ValueType.ANY, problems);

    assertEquals(ValueType.INTEGER, type);
  }

  @Test
  void resolverFailurePropagates() throws Exception {
    Template template = Template.parse("${{ steps.nope.status }}");

    EvaluationException e =
        assertThrows(EvaluationException.class, () -> template.render(values(Map.of())));

    assertEquals("unknown reference 'steps.nope.status'", e.getMessage());
  }
}
