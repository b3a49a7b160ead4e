package io.eksscheduler.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The least time any safe stop of a sandbox cluster can take, whatever the tool: running Jobs are
 * suspended first (a Job may write to any database, and no annotation says which), taking their
 * pods' longest grace period; then the workloads go to sleep in reverse dependency order (a
 * workload only once what depends on it is gone), each wave taking its pods' grace period (one per
 * replica for a StatefulSet that stops its pods in order); then what is left on the nodes is
 * evicted together, taking the longest grace period among it; then the instances terminate (at once
 * in the simulator, once their nodes are empty). Grace periods are read from the deployed objects,
 * where the sandbox has already divided them by its speed (pod deletion follows the API server's
 * deletionTimestamp, at real time). API calls, controllers and polling count as zero.
 *
 * @param jobs the longest grace period of the running Jobs the stop suspends (zero without any)
 * @param chain the longest chain of sleeps, the dependents first
 * @param drain the longest grace period of what the drain evicts, and whose
 * @param drained the workload {@code drain} is of
 */
record StopLowerBound(
    Duration jobs, List<WakeLowerBound.Link> chain, Duration drain, String drained) {

  /** The bound in real time. */
  Duration total() {
    return chain.stream().map(WakeLowerBound.Link::ready).reduce(jobs.plus(drain), Duration::plus);
  }

  /** How the bound adds up, e.g. {@code Jobs suspended 3 s + Deployment shop/web 3 s + ...}. */
  String explain() {
    List<String> parts = new ArrayList<>();
    parts.add("running Jobs suspended " + seconds(jobs));
    chain.forEach(l -> parts.add(l.workload() + " gone " + seconds(l.ready())));
    parts.add("drain (" + drained + ") " + seconds(drain));
    parts.add("instances terminated 0 s");
    return String.join(" + ", parts);
  }

  /**
   * The bound from the Deployments, StatefulSets and Jobs before the stop ({@code before}) and
   * after it ({@code after}): workloads at zero after and not before are the ones the stop put to
   * sleep, the others keep their pods until the drain; Jobs running before and suspended after are
   * the ones it suspended.
   */
  static StopLowerBound of(JsonNode before, JsonNode after) {
    Map<String, Integer> replicasAfter = new HashMap<>();
    Set<String> suspendedAfter = new HashSet<>();
    for (JsonNode w : after) {
      replicasAfter.put(key(w), w.path("spec").path("replicas").asInt(1));
      if (w.path("spec").path("suspend").asBoolean(false)) {
        suspendedAfter.add(key(w));
      }
    }
    Map<String, JsonNode> slept = new LinkedHashMap<>();
    Duration jobs = Duration.ZERO;
    Duration drain = Duration.ZERO;
    String drained = "nothing";
    for (JsonNode w : before) {
      if ("Job".equals(w.path("kind").asText())) {
        boolean running = w.path("status").path("active").asInt(0) > 0;
        if (running && suspendedAfter.contains(key(w)) && grace(w).compareTo(jobs) > 0) {
          jobs = grace(w);
        }
        continue;
      }
      if (w.path("spec").path("replicas").asInt(1) == 0) {
        continue;
      }
      if (replicasAfter.getOrDefault(key(w), 1) == 0) {
        slept.put(WakeLowerBound.id(w), w);
      } else if (grace(w).compareTo(drain) > 0) {
        drain = grace(w);
        drained = w.path("kind").asText() + " " + WakeLowerBound.id(w);
      }
    }
    Map<String, List<WakeLowerBound.Link>> memo = new HashMap<>();
    List<WakeLowerBound.Link> best = List.of();
    for (String name : slept.keySet()) {
      List<WakeLowerBound.Link> chain = longestFrom(name, slept, memo, new HashSet<>());
      if (sum(chain).compareTo(sum(best)) > 0) {
        best = chain;
      }
    }
    return new StopLowerBound(jobs, best, drain, drained);
  }

  /**
   * The longest chain of sleeps that ends with {@code name}'s own: the workloads that depend on it
   * go first.
   */
  private static List<WakeLowerBound.Link> longestFrom(
      String name,
      Map<String, JsonNode> slept,
      Map<String, List<WakeLowerBound.Link>> memo,
      Set<String> visiting) {
    List<WakeLowerBound.Link> known = memo.get(name);
    if (known != null) {
      return known;
    }
    if (!visiting.add(name)) {
      throw new IllegalArgumentException("dependency cycle through " + name);
    }
    List<WakeLowerBound.Link> before = List.of();
    for (Map.Entry<String, JsonNode> e : slept.entrySet()) {
      if (dependsOn(e.getValue()).contains(name)) {
        List<WakeLowerBound.Link> chain = longestFrom(e.getKey(), slept, memo, visiting);
        if (sum(chain).compareTo(sum(before)) > 0) {
          before = chain;
        }
      }
    }
    visiting.remove(name);
    JsonNode w = slept.get(name);
    List<WakeLowerBound.Link> chain = new ArrayList<>(before);
    chain.add(new WakeLowerBound.Link(w.path("kind").asText() + " " + name, gone(w)));
    memo.put(name, List.copyOf(chain));
    return memo.get(name);
  }

  private static Set<String> dependsOn(JsonNode w) {
    Set<String> out = new HashSet<>();
    String value =
        w.path("metadata").path("annotations").path(WakeLowerBound.DEPENDS_ON).asText("");
    for (String d : value.split(",")) {
      if (!d.isBlank()) {
        out.add(d.trim());
      }
    }
    return out;
  }

  /** How long a workload's pods take to go once it is scaled to zero. */
  private static Duration gone(JsonNode w) {
    JsonNode spec = w.path("spec");
    boolean ordered =
        "StatefulSet".equals(w.path("kind").asText())
            && !"Parallel".equals(spec.path("podManagementPolicy").asText("OrderedReady"));
    return ordered ? grace(w).multipliedBy(spec.path("replicas").asInt(1)) : grace(w);
  }

  /** Its pods' grace period (30 s when the template does not say). */
  private static Duration grace(JsonNode w) {
    return Duration.ofSeconds(
        w.path("spec")
            .path("template")
            .path("spec")
            .path("terminationGracePeriodSeconds")
            .asLong(30));
  }

  private static String key(JsonNode w) {
    return w.path("kind").asText() + " " + WakeLowerBound.id(w);
  }

  private static Duration sum(List<WakeLowerBound.Link> chain) {
    return chain.stream().map(WakeLowerBound.Link::ready).reduce(Duration.ZERO, Duration::plus);
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
