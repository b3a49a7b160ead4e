/**
 * {@code workloads.sleep} and {@code dependencies.wake}: the workloads in scope, their dependency
 * graph, the pure {@code SleepDecision} and {@code WakeDecision}, and the calls that scale, suspend
 * and restore them through the originals protocol.
 */
package io.eksscheduler.actions.workloads;
