package io.eksscheduler.engine.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  private final Map<String, Object> values = new HashMap<>();

  private final Resolver resolver =
      ref -> {
        if (!values.containsKey(ref.text())) {
          throw new EvaluationException("unknown reference '" + ref.text() + "'");
        }
        return values.get(ref.text());
      };

  private Object eval(String expr) throws Exception {
    return Template.parse("${{ " + expr + " }}").render(resolver);
  }

  private EvaluationException failure(String expr) {
    return assertThrows(EvaluationException.class, () -> eval(expr));
  }

  @Test
  void andShortCircuits() throws Exception {
    assertEquals(false, eval("false && steps.never.outputs.x"));
  }

  @Test
  void orShortCircuits() throws Exception {
    assertEquals(true, eval("true || steps.never.outputs.x"));
  }

  @Test
  void andEvaluatesRightWhenLeftIsTrue() throws Exception {
    values.put("params.force", false);

    assertEquals(false, eval("true && params.force"));
  }

  @Test
  void andNeedsBooleans() {
    values.put("params.a", "yes");

    assertEquals("'&&' needs booleans, got string 'yes'", failure("params.a && true").getMessage());
  }

  @Test
  void orChecksRightOperand() {
    assertEquals("'||' needs booleans, got integer 1", failure("false || 1").getMessage());
  }

  @Test
  void notNeedsBoolean() {
    assertEquals("'!' needs a boolean, got null", failure("!null").getMessage());
  }

  @Test
  void notNegates() throws Exception {
    assertEquals(true, eval("!(1 == 2)"));
  }

  @Test
  void integerEqualsDecimalNumerically() throws Exception {
    assertEquals(true, eval("1 == 1.0"));
  }

  @Test
  void largeIntegerComparesExactlyWithDecimal() throws Exception {
    values.put("params.big", 9_007_199_254_740_993L);

    assertEquals(false, eval("params.big == 9007199254740992.0"));
  }

  @Test
  void stringsCompareByContent() throws Exception {
    values.put("params.name", new String("drain"));

    assertEquals(true, eval("params.name == 'drain'"));
  }

  @Test
  void noStringToNumberConversion() throws Exception {
    assertEquals(false, eval("'1' == 1"));
  }

  @Test
  void nullEqualsNull() throws Exception {
    assertEquals(true, eval("null == null"));
  }

  @Test
  void nullDiffersFromEmptyString() throws Exception {
    assertEquals(true, eval("null != ''"));
  }

  @Test
  void listsCompareByContentAfterNormalising() throws Exception {
    values.put("a", List.of(1, 2));
    values.put("b", List.of(1L, (short) 2));

    assertEquals(true, eval("a == b"));
  }

  @Test
  void mapsCompareByContent() throws Exception {
    values.put("a", Map.of("k", "v"));
    values.put("b", Map.of("k", "w"));

    assertEquals(false, eval("a == b"));
  }

  @Test
  void orderingComparesNumbers() throws Exception {
    assertEquals(true, eval("2 < 10"));
    assertEquals(true, eval("2.5 >= 2"));
    assertEquals(false, eval("3 <= -3"));
    assertEquals(true, eval("3 > 2.99"));
  }

  @Test
  void orderingComparesStrings() throws Exception {
    assertEquals(true, eval("'abc' < 'abd'"));
  }

  @Test
  void orderingMixedTypesFails() {
    assertEquals(
        "'<' needs two numbers or two strings, got string 'a' and integer 1",
        failure("'a' < 1").getMessage());
  }

  @Test
  void resolvedIntegralNumbersBecomeLong() throws Exception {
    values.put("a", BigInteger.TEN);
    values.put("b", new BigDecimal("7"));
    values.put("c", (byte) 1);

    assertEquals(10L, eval("a"));
    assertEquals(7L, eval("b"));
    assertEquals(1L, eval("c"));
  }

  @Test
  void resolvedFractionalNumbersBecomeDouble() throws Exception {
    values.put("a", new BigDecimal("2.50"));
    values.put("b", 0.5f);

    assertEquals(2.5, eval("a"));
    assertEquals(0.5, eval("b"));
  }

  @Test
  void unsupportedResolvedValueFails() {
    values.put("params.when", new Object());

    assertEquals(
        "value of 'params.when' has unsupported type Object", failure("params.when").getMessage());
  }

  @Test
  void longValuesAreShortenedInMessages() {
    values.put("a", "x".repeat(100));

    assertEquals(
        "'!' needs a boolean, got string '" + "x".repeat(39) + "...", failure("!a").getMessage());
  }

  @Test
  void selfContainingListIsRefused() {
    List<Object> loop = new ArrayList<>();
    loop.add(loop);
    values.put("a", loop);

    assertEquals("value of 'a' is nested too deeply", failure("a").getMessage());
  }
}
