package io.eksscheduler.engine.expr;

import java.util.List;

/**
 * Names one value an expression reads, such as {@code steps.drain.outputs.nodes}, and where it
 * appears in the template.
 *
 * @param path the dotted segments, never empty
 * @param offset the character offset of the first segment in the original template text
 */
public record Reference(List<String> path, int offset) {

  /** Copies the path and checks that it has at least one segment. */
  public Reference {
    path = List.copyOf(path);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("a reference needs at least one segment");
    }
  }

  /** The reference as written, segments joined by dots, such as {@code params.cluster}. */
  public String text() {
    return String.join(".", path);
  }
}
