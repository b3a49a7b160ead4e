/**
 * {@code gitops.pause}/{@code gitops.resume} and {@code autoscaler.pause}/{@code
 * autoscaler.resume}: the paused fields of Argo CD, Flux, Karpenter, KEDA and the Cluster
 * Autoscaler, a pure {@code PauseDecision}, and the originals protocol for each object.
 */
package io.eksscheduler.actions.pausing;
