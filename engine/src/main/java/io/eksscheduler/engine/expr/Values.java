package io.eksscheduler.engine.expr;

import io.eksscheduler.engine.spi.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Normalises, compares and prints the plain values expressions work with: String, Long, Double,
 * Boolean, {@code null}, List and Map.
 */
final class Values {

  /** The deepest nesting of lists and maps a resolved value may have. */
  static final int MAX_VALUE_DEPTH = 256;

  private static final int DESCRIBE_LIMIT = 40;

  private Values() {}

  /**
   * Returns {@code value} with integral numbers as Long, other numbers as Double, and lists and
   * maps copied into unmodifiable ones holding normalised values.
   */
  static Object normalize(Object value, Reference source) throws EvaluationException {
    return normalize(value, source, 0);
  }

  private static Object normalize(Object value, Reference source, int depth)
      throws EvaluationException {
    if (depth > MAX_VALUE_DEPTH) {
      throw new EvaluationException("value of '" + source.text() + "' is nested too deeply");
    }
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number) {
      return normalizeNumber((Number) value);
    }
    if (value instanceof List<?>) {
      List<Object> copy = new ArrayList<>();
      for (Object element : (List<?>) value) {
        copy.add(normalize(element, source, depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Map<?, ?>) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!(entry.getKey() instanceof String)) {
          throw new EvaluationException(
              "value of '" + source.text() + "' has a map key that is not a string");
        }
        copy.put((String) entry.getKey(), normalize(entry.getValue(), source, depth + 1));
      }
      return Collections.unmodifiableMap(copy);
    }
    throw new EvaluationException(
        "value of '"
            + source.text()
            + "' has unsupported type "
            + value.getClass().getSimpleName());
  }

  private static Object normalizeNumber(Number number) {
    if (number instanceof Long
        || number instanceof Integer
        || number instanceof Short
        || number instanceof Byte
        || number instanceof AtomicInteger
        || number instanceof AtomicLong) {
      return number.longValue();
    }
    if (number instanceof BigInteger) {
      BigInteger big = (BigInteger) number;
      return big.bitLength() < Long.SIZE ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (number instanceof BigDecimal) {
      BigDecimal big = (BigDecimal) number;
      if (big.scale() <= 0) {
        try {
          return big.longValueExact();
        } catch (ArithmeticException e) {
          return big.doubleValue();
        }
      }
      return big.doubleValue();
    }
    return number.doubleValue();
  }

  /** The type of a normalised value; {@code null} has type {@link ValueType#ANY}. */
  static ValueType typeOf(Object value) {
    if (value instanceof String) {
      return ValueType.STRING;
    }
    if (value instanceof Long) {
      return ValueType.INTEGER;
    }
    if (value instanceof Double) {
      return ValueType.NUMBER;
    }
    if (value instanceof Boolean) {
      return ValueType.BOOLEAN;
    }
    if (value instanceof List<?>) {
      return ValueType.ARRAY;
    }
    if (value instanceof Map<?, ?>) {
      return ValueType.OBJECT;
    }
    return ValueType.ANY;
  }

  static boolean isNumeric(ValueType type) {
    return type == ValueType.INTEGER || type == ValueType.NUMBER;
  }

  /** Whether two normalised values are equal: numbers numerically, others by content. */
  static boolean equal(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number && b instanceof Number) {
      return compareNumbers((Number) a, (Number) b) == 0;
    }
    return a.equals(b);
  }

  /**
   * Compares two numbers exactly; returns {@code 0} when equal, negative or positive otherwise, and
   * {@link Integer#MIN_VALUE} when either is NaN (unordered).
   */
  static int compareNumbers(Number a, Number b) {
    if (a instanceof Long && b instanceof Long) {
      return Long.compare(a.longValue(), b.longValue());
    }
    double da = a.doubleValue();
    double db = b.doubleValue();
    if (Double.isNaN(da) || Double.isNaN(db)) {
      return Integer.MIN_VALUE;
    }
    if (Double.isInfinite(da) || Double.isInfinite(db)) {
      return Double.compare(da, db);
    }
    return Integer.signum(exact(a).compareTo(exact(b)));
  }

  private static BigDecimal exact(Number n) {
    return n instanceof Long ? BigDecimal.valueOf(n.longValue()) : new BigDecimal(n.doubleValue());
  }

  /** The text a value contributes when interpolated into a string. */
  static String toText(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String) {
      return (String) value;
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      return toJson(value);
    }
    return String.valueOf(value);
  }

  /** Compact JSON text for a normalised value. */
  static String toJson(Object value) {
    StringBuilder out = new StringBuilder();
    appendJson(out, value);
    return out.toString();
  }

  private static void appendJson(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String) {
      appendJsonString(out, (String) value);
    } else if (value instanceof Double) {
      double d = (Double) value;
      out.append(Double.isFinite(d) ? Double.toString(d) : "null");
    } else if (value instanceof List<?>) {
      out.append('[');
      boolean first = true;
      for (Object element : (List<?>) value) {
        if (!first) {
          out.append(',');
        }
        first = false;
        appendJson(out, element);
      }
      out.append(']');
    } else if (value instanceof Map<?, ?>) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        appendJsonString(out, String.valueOf(entry.getKey()));
        out.append(':');
        appendJson(out, entry.getValue());
      }
      out.append('}');
    } else {
      out.append(value);
    }
  }

  private static void appendJsonString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  /** Describes a value for an error message, such as {@code string 'yes'} or {@code integer 3}. */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    String shown = value instanceof String ? "'" + value + "'" : toJson(value);
    if (shown.length() > DESCRIBE_LIMIT) {
      shown = shown.substring(0, DESCRIBE_LIMIT) + "...";
    }
    return typeOf(value).label() + " " + shown;
  }
}
