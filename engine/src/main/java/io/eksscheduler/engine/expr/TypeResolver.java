package io.eksscheduler.engine.expr;

import io.eksscheduler.engine.spi.ValueType;

/** Supplies the static type of a reference when a template is checked before a run. */
@FunctionalInterface
public interface TypeResolver {

  /** Returns the type of {@code ref}, or {@link ValueType#ANY} when it is not known. */
  ValueType typeOf(Reference ref);
}
