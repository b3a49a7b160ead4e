package io.eksscheduler.engine.expr;

/** Supplies the run-time value of a reference when a template is rendered. */
@FunctionalInterface
public interface Resolver {

  /**
   * Returns the value of {@code ref}: a String, Number, Boolean, {@code null}, a List of such
   * values or a Map from String to such values.
   *
   * @throws EvaluationException when the reference has no value, with a message for the user
   */
  Object resolve(Reference ref) throws EvaluationException;
}
