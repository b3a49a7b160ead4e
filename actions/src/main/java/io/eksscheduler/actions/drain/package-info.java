/**
 * {@code nodes.drain}: a survey of the nodes, their pods and budgets; a pure {@code DrainDecision}
 * into a {@code DrainPlan} (what to cordon and evict, what is skipped or refused and why); the
 * evictions that carry it out.
 */
package io.eksscheduler.actions.drain;
