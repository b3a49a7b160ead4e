package io.eksscheduler.sandbox.scenario;

import io.eksscheduler.sandbox.controlplane.Speed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shortens the termination grace periods the scenario's pods declare (30 s when they declare none,
 * as Kubernetes defaults it) by the speed factor, at least 1 s, so that a stop of a fast sandbox is
 * fast too. The API server and KWOK still honour each pod's grace period to the millisecond: only
 * what the scenario asks for is scaled, never a grace period a client sets on a delete.
 */
final class GracePeriods {
  private static final long KUBERNETES_DEFAULT_SECONDS = 30;

  private GracePeriods() {}

  /** The manifests with every pod template's grace period divided by {@code speed}. */
  static List<Map<String, Object>> scaled(List<Map<String, Object>> manifests, Speed speed) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> manifest : manifests) {
      out.add(scaledCopy(manifest, speed));
    }
    return out;
  }

  private static Map<String, Object> scaledCopy(Map<String, Object> manifest, Speed speed) {
    List<String> path =
        switch (String.valueOf(manifest.get("kind"))) {
          case "Pod" -> List.of("spec");
          case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
              List.of("spec", "template", "spec");
          case "CronJob" -> List.of("spec", "jobTemplate", "spec", "template", "spec");
          default -> null;
        };
    if (path == null) {
      return manifest;
    }
    Map<String, Object> copy = deepCopy(manifest);
    Map<String, Object> spec = copy;
    for (String key : path) {
      if (!(spec.get(key) instanceof Map<?, ?>)) {
        return manifest;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> next = (Map<String, Object>) spec.get(key);
      spec = next;
    }
    Object declared = spec.get("terminationGracePeriodSeconds");
    long seconds = declared instanceof Number n ? n.longValue() : KUBERNETES_DEFAULT_SECONDS;
    spec.put("terminationGracePeriodSeconds", scale(seconds, speed));
    return copy;
  }

  /** {@code seconds} divided by the speed, rounded up, at least 1 (0 stays 0). */
  static long scale(long seconds, Speed speed) {
    if (seconds <= 0) {
      return seconds;
    }
    return Math.max(1, (long) Math.ceil(seconds / speed.factor()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, copyValue(v)));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return deepCopy((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(copyValue(x)));
      return out;
    }
    return v;
  }
}
