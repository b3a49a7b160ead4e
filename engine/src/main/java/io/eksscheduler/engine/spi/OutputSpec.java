package io.eksscheduler.engine.spi;

/**
 * Declares one output of an action: its name, its type, and what it means.
 *
 * <p>The engine sorts every list in a step's outputs, predicted or returned, so that a preview and
 * a run can be compared value for value; a {@code sequence} output keeps its order (each of its
 * inner lists is sorted), for lists whose order is their meaning, such as waves.
 *
 * @param name the key under {@code steps.ID.outputs}
 * @param type the type an expression reading it gets
 * @param description what the value means, for {@code actions describe}
 * @param sequence true when the order of the list is part of its meaning
 */
public record OutputSpec(String name, ValueType type, String description, boolean sequence) {

  /** An output whose lists, if any, are sorted. */
  public OutputSpec(String name, ValueType type, String description) {
    this(name, type, description, false);
  }
}
