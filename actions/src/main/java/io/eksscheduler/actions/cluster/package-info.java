/**
 * Checks that read across the features: {@code cluster.verify} before a stop, {@code
 * bootstrap.check} on a wake and {@code cluster.status}. No other actions package depends on it.
 */
package io.eksscheduler.actions.cluster;
