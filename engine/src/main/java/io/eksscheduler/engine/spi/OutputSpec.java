package io.eksscheduler.engine.spi;

/**
 * Declares one output of an action: its name, its type, and what it means.
 *
 * @param name the key under {@code steps.ID.outputs}
 * @param type the type an expression reading it gets
 * @param description what the value means, for {@code actions describe}
 */
public record OutputSpec(String name, ValueType type, String description) {}
