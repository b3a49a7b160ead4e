/**
 * {@code nodegroups.scale} and {@code nodegroups.restore}: the node-group survey (EKS managed and
 * self-managed Auto Scaling groups), the originals recorded on a stop, the pure decisions of what
 * to scale and restore, and the Auto Scaling and EKS calls.
 */
package io.eksscheduler.actions.nodegroups;
