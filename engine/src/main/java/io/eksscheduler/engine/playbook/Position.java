package io.eksscheduler.engine.playbook;

/**
 * A place in a source file.
 *
 * @param line 1-based line
 * @param column 1-based column
 */
public record Position(int line, int column) {

  /** The start of a file, for problems that belong to the whole document. */
  public static final Position START = new Position(1, 1);

  /** The position {@code chars} characters further on the same line. */
  public Position plusColumns(int chars) {
    return new Position(line, column + chars);
  }
}
