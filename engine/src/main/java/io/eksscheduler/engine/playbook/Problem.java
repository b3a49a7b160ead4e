package io.eksscheduler.engine.playbook;

import java.util.Comparator;

/**
 * One mistake in a playbook or an input, placed where the user can find it.
 *
 * @param file the file as the user named it
 * @param line 1-based line
 * @param column 1-based column
 * @param message what is wrong and, where possible, what to do
 */
public record Problem(String file, int line, int column, String message)
    implements Comparable<Problem> {

  private static final Comparator<Problem> ORDER =
      Comparator.comparing(Problem::file)
          .thenComparingInt(Problem::line)
          .thenComparingInt(Problem::column)
          .thenComparing(Problem::message);

  /** A problem at a position. */
  public static Problem at(String file, Position position, String message) {
    return new Problem(file, position.line(), position.column(), message);
  }

  @Override
  public int compareTo(Problem other) {
    return ORDER.compare(this, other);
  }

  /** The {@code FILE:LINE:COL: message} form printed to the user. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
