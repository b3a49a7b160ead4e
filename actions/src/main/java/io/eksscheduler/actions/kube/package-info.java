/**
 * The shared Kubernetes layer of the actions: bounded, retried API calls, object kinds, annotation
 * patches, selectors and name checks. Needs only {@code originals}.
 */
package io.eksscheduler.actions.kube;
