package io.eksscheduler.engine.expr;

import io.eksscheduler.engine.spi.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a playbook string value that may contain {@code ${{ expr }}} parts into its final value,
 * and checks those parts before a run.
 *
 * <p>When the whole value, ignoring surrounding whitespace, is one {@code ${{ ... }}}, rendering
 * keeps the expression's type (a Long stays a Long, a List a List, {@code null} stays {@code
 * null}). Otherwise every expression is rendered as text and the result is a String.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Template {

  /**
   * The longest expression, between <code>${{</code> and <code>}}</code>, that a template may hold.
   */
  public static final int MAX_EXPRESSION_LENGTH = 4096;

  private static final String OPEN = "${{";
  private static final String CLOSE = "}}";

  private final String source;
  private final List<Part> parts;
  private final List<Reference> references;
  private final Code whole;

  private Template(String source, List<Part> parts, List<Reference> references) {
    this.source = source;
    this.parts = List.copyOf(parts);
    this.references = List.copyOf(references);
    this.whole = findWhole(this.parts);
  }

  /** Whether {@code text} contains <code>${{</code>, without parsing it. */
  public static boolean containsExpression(String text) {
    return text != null && text.contains(OPEN);
  }

  /**
   * Parses {@code text} into literal text and expressions.
   *
   * @throws ExpressionSyntaxException when an expression is malformed; its offset points into
   *     {@code text}
   */
  public static Template parse(String text) throws ExpressionSyntaxException {
    Objects.requireNonNull(text, "text");
    List<Part> parts = new ArrayList<>();
    List<Reference> references = new ArrayList<>();
    int pos = 0;
    while (true) {
      int open = text.indexOf(OPEN, pos);
      if (open < 0) {
        addText(parts, text.substring(pos));
        return new Template(text, parts, references);
      }
      addText(parts, text.substring(pos, open));
      int bodyStart = open + OPEN.length();
      int close = findClose(text, open, bodyStart);
      if (close - bodyStart > MAX_EXPRESSION_LENGTH) {
        throw new ExpressionSyntaxException(
            "expression too long (more than " + MAX_EXPRESSION_LENGTH + " characters)", open);
      }
      if (text.substring(bodyStart, close).isBlank()) {
        throw new ExpressionSyntaxException("empty expression", open);
      }
      parts.add(new Code(Parser.parse(text, bodyStart, close, references)));
      pos = close + CLOSE.length();
    }
  }

  private static void addText(List<Part> parts, String text) {
    if (!text.isEmpty()) {
      parts.add(new Text(text));
    }
  }

  /** Returns the index of the <code>}}</code> closing the expression opened at {@code open}. */
  private static int findClose(String text, int open, int bodyStart)
      throws ExpressionSyntaxException {
    int pos = bodyStart;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\'' || c == '"') {
        pos = skipString(text, pos, c);
      } else if (text.startsWith(CLOSE, pos)) {
        return pos;
      } else {
        pos++;
      }
    }
    throw new ExpressionSyntaxException("unterminated expression: missing '}}'", open);
  }

  /** Returns the index just past the string literal starting at {@code start}. */
  private static int skipString(String text, int start, char quote)
      throws ExpressionSyntaxException {
    int pos = start + 1;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == quote) {
        return pos + 1;
      }
      pos += c == '\\' ? 2 : 1;
    }
    throw new ExpressionSyntaxException("unterminated string literal", start);
  }

  private static Code findWhole(List<Part> parts) {
    Code found = null;
    for (Part part : parts) {
      if (part instanceof Code) {
        if (found != null) {
          return null;
        }
        found = (Code) part;
      } else if (!((Text) part).text().isBlank()) {
        return null;
      }
    }
    return found;
  }

  /** The text this template was parsed from. */
  public String source() {
    return source;
  }

  /** Whether the template contains at least one expression. */
  public boolean hasExpressions() {
    return parts.stream().anyMatch(part -> part instanceof Code);
  }

  /**
   * Whether the template, ignoring surrounding whitespace, is exactly one expression, so that
   * rendering keeps the expression's type.
   */
  public boolean isWholeExpression() {
    return whole != null;
  }

  /** Every reference in the template, in order of appearance, with offsets into the source. */
  public List<Reference> references() {
    return references;
  }

  /**
   * Computes the value: the expression's own value (String, Long, Double, Boolean, {@code null},
   * List or Map) for a whole expression, otherwise the text with each expression interpolated.
   *
   * @throws EvaluationException when a reference cannot be resolved or an operator gets values it
   *     cannot work with
   */
  public Object render(Resolver resolver) throws EvaluationException {
    Objects.requireNonNull(resolver, "resolver");
    Evaluator evaluator = new Evaluator(resolver);
    if (whole != null) {
      return evaluator.evaluate(whole.expr());
    }
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Text) {
        out.append(((Text) part).text());
      } else {
        out.append(Values.toText(evaluator.evaluate(((Code) part).expr())));
      }
    }
    return out.toString();
  }

  /**
   * Checks the types in every expression, appending each mistake to {@code problems}, and returns
   * the static type of the rendered value: the expression's type for a whole expression, {@link
   * ValueType#STRING} otherwise.
   */
  public ValueType check(TypeResolver types, List<ExpressionProblem> problems) {
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(problems, "problems");
    TypeChecker checker = new TypeChecker(types, problems);
    ValueType type = ValueType.STRING;
    for (Part part : parts) {
      if (part instanceof Code) {
        ValueType partType = checker.check(((Code) part).expr());
        if (part == whole) {
          type = partType;
        }
      }
    }
    return type;
  }

  @Override
  public String toString() {
    return source;
  }

  /** One piece of a template. */
  private sealed interface Part permits Text, Code {}

  /** Literal text copied as-is. */
  private record Text(String text) implements Part {}

  /** One parsed {@code ${{ ... }}}. */
  private record Code(Expr expr) implements Part {}
}
