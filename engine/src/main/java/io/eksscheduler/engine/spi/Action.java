package io.eksscheduler.engine.spi;

import java.util.List;

/**
 * Does one kind of work for a playbook step: the unit that {@code action:} names.
 *
 * <p>An implementation is one class with a nested {@code record Params}, registered in {@code
 * META-INF/services/io.eksscheduler.engine.spi.Action}. The engine checks a step's {@code with}
 * against {@link #withSchema()} and binds it to {@link #paramsType()} before calling {@link #plan}
 * or {@link #apply}.
 *
 * @param <P> the bound parameters of a step
 */
public interface Action<P> {

  /** The name a playbook uses in {@code action:}, such as {@code nodes.drain}. */
  String name();

  /** One sentence saying what the action does for the user. */
  String description();

  /**
   * The classpath resource holding the JSON Schema (draft-07) of {@code with}, such as {@code
   * schemas/actions/exec.schema.json}.
   */
  String withSchema();

  /** The record type that {@code with} binds to once it has passed its schema. */
  Class<P> paramsType();

  /** The outputs a successful {@link #apply} returns, for reference checks and docs. */
  List<OutputSpec> outputs();

  /**
   * Says what {@link #apply} would change, reading live state only; this is the dry-run output.
   * Must never change anything.
   */
  Plan plan(P params, ActionContext ctx) throws Exception;

  /**
   * Does the work. Must be idempotent: called again after a crash at any line, it continues from
   * what its {@link Ledger} and the live state say, and it writes to the ledger what it needs to
   * undo or continue <em>before</em> each mutating call.
   */
  Outputs apply(P params, ActionContext ctx) throws Exception;
}
