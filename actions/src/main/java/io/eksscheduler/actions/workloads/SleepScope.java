package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.originals.Originals;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which workloads a sleep leaves running, and why: a pure function over pre-fetched
 * namespaces and webhooks, as kubectl's drain filters are. The first reason found wins.
 *
 * @param requested the namespaces the step names, empty for all
 * @param excludedByStep the namespaces the step's {@code exclude} names
 * @param annotatedNamespaces namespaces annotated {@code eks-scheduler.io/exclude: "true"}
 * @param webhookNamespaces namespaces holding a Service an admission webhook calls, each with the
 *     webhook configuration that points at it
 * @param includeSystem the step's {@code includeSystem}
 */
record SleepScope(
    Set<String> requested,
    Set<String> excludedByStep,
    Set<String> annotatedNamespaces,
    Map<String, String> webhookNamespaces,
    boolean includeSystem) {
  static final String SYSTEM_NAMESPACE = "kube-system";

  /** True when the step looks at this namespace at all ({@code namespaces}, default all). */
  boolean inScope(String namespace) {
    return requested.isEmpty() || requested.contains(namespace);
  }

  /** Why {@code w} is left running, or empty when it is put to sleep. */
  Optional<String> exclusion(Workload w) {
    String ns = w.namespace();
    if ("true".equalsIgnoreCase(w.annotations().get(Originals.EXCLUDE))) {
      return Optional.of("annotated " + Originals.EXCLUDE + ": \"true\"");
    }
    if (annotatedNamespaces.contains(ns)) {
      return Optional.of("namespace " + ns + " is annotated " + Originals.EXCLUDE + ": \"true\"");
    }
    if (excludedByStep.contains(ns)) {
      return Optional.of("namespace " + ns + " is in the step's exclude");
    }
    if (!includeSystem && SYSTEM_NAMESPACE.equals(ns)) {
      return Optional.of(
          "namespace " + ns + " is a system namespace (includeSystem: true overrides)");
    }
    if (!includeSystem && webhookNamespaces.containsKey(ns)) {
      return Optional.of(
          "namespace "
              + ns
              + " serves admission webhook "
              + webhookNamespaces.get(ns)
              + " (includeSystem: true overrides)");
    }
    return Optional.empty();
  }
}
