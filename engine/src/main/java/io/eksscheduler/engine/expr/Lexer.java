package io.eksscheduler.engine.expr;

import io.eksscheduler.engine.expr.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/** Splits the text of one expression into tokens, keeping offsets into the template text. */
final class Lexer {

  private final String text;
  private final int end;
  private int pos;

  private Lexer(String text, int start, int end) {
    this.text = text;
    this.pos = start;
    this.end = end;
  }

  /**
   * Tokenizes {@code text} from {@code start} (inclusive) to {@code end} (exclusive); the last
   * token is always {@link Kind#END} at offset {@code end}.
   */
  static List<Token> tokenize(String text, int start, int end) throws ExpressionSyntaxException {
    return new Lexer(text, start, end).run();
  }

  private List<Token> run() throws ExpressionSyntaxException {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipWhitespace();
      if (pos >= end) {
        tokens.add(new Token(Kind.END, null, end, ""));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private void skipWhitespace() {
    while (pos < end && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private Token next() throws ExpressionSyntaxException {
    int start = pos;
    char c = text.charAt(pos);
    if (isIdentifierStart(c)) {
      return identifier();
    }
    if (isDigit(c) || (c == '-' && pos + 1 < end && isDigit(text.charAt(pos + 1)))) {
      return number();
    }
    switch (c) {
      case '\'':
      case '"':
        return string(c);
      case '.':
        return symbol(Kind.DOT, 1);
      case '(':
        return symbol(Kind.LPAREN, 1);
      case ')':
        return symbol(Kind.RPAREN, 1);
      case '!':
        return peekIs(1, '=') ? symbol(Kind.NE, 2) : symbol(Kind.NOT, 1);
      case '<':
        return peekIs(1, '=') ? symbol(Kind.LE, 2) : symbol(Kind.LT, 1);
      case '>':
        return peekIs(1, '=') ? symbol(Kind.GE, 2) : symbol(Kind.GT, 1);
      case '=':
        if (peekIs(1, '=')) {
          return symbol(Kind.EQ, 2);
        }
        throw unexpected(c, start, " (did you mean '=='?)");
      case '&':
        if (peekIs(1, '&')) {
          return symbol(Kind.AND, 2);
        }
        throw unexpected(c, start, " (did you mean '&&'?)");
      case '|':
        if (peekIs(1, '|')) {
          return symbol(Kind.OR, 2);
        }
        throw unexpected(c, start, " (did you mean '||'?)");
      default:
        throw unexpected(c, start, "");
    }
  }

  private static ExpressionSyntaxException unexpected(char c, int offset, String hint) {
    return new ExpressionSyntaxException("unexpected character '" + c + "'" + hint, offset);
  }

  private boolean peekIs(int ahead, char expected) {
    return pos + ahead < end && text.charAt(pos + ahead) == expected;
  }

  private Token symbol(Kind kind, int length) {
    int start = pos;
    pos += length;
    return new Token(kind, null, start, text.substring(start, pos));
  }

  private Token identifier() {
    int start = pos;
    pos++;
    while (pos < end && isIdentifierPart(text.charAt(pos))) {
      pos++;
    }
    String name = text.substring(start, pos);
    return new Token(Kind.IDENT, name, start, name);
  }

  private Token number() throws ExpressionSyntaxException {
    int start = pos;
    if (text.charAt(pos) == '-') {
      pos++;
    }
    while (pos < end && isDigit(text.charAt(pos))) {
      pos++;
    }
    boolean decimal = false;
    if (pos + 1 < end && text.charAt(pos) == '.' && isDigit(text.charAt(pos + 1))) {
      decimal = true;
      pos++;
      while (pos < end && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    String source = text.substring(start, pos);
    if (decimal) {
      return new Token(Kind.DECIMAL, Double.parseDouble(source), start, source);
    }
    try {
      return new Token(Kind.INTEGER, Long.parseLong(source), start, source);
    } catch (NumberFormatException e) {
      throw new ExpressionSyntaxException("integer literal out of range: " + source, start);
    }
  }

  private Token string(char quote) throws ExpressionSyntaxException {
    int start = pos;
    pos++;
    StringBuilder value = new StringBuilder();
    while (pos < end) {
      char c = text.charAt(pos);
      if (c == quote) {
        pos++;
        return new Token(Kind.STRING, value.toString(), start, text.substring(start, pos));
      }
      if (c == '\\') {
        if (pos + 1 >= end) {
          break;
        }
        value.append(escape(text.charAt(pos + 1), pos));
        pos += 2;
      } else {
        value.append(c);
        pos++;
      }
    }
    throw new ExpressionSyntaxException("unterminated string literal", start);
  }

  private static char escape(char c, int offset) throws ExpressionSyntaxException {
    switch (c) {
      case '\\':
      case '\'':
      case '"':
        return c;
      case 'n':
        return '\n';
      case 't':
        return '\t';
      default:
        throw new ExpressionSyntaxException(
            "unknown escape '\\" + c + "' in string literal", offset);
    }
  }

  static boolean isIdentifierStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c) || c == '-';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
