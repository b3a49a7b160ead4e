/** Actions that need neither Kubernetes nor AWS: {@code sleep} and {@code exec}. */
package io.eksscheduler.actions.core;
