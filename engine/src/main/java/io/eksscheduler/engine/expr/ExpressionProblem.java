package io.eksscheduler.engine.expr;

/**
 * Describes one type mistake found in an expression before a run, such as comparing a string with a
 * boolean.
 *
 * @param offset the character offset of the offending operator or operand in the template text
 * @param message what is wrong, for the user
 */
public record ExpressionProblem(int offset, String message) {}
