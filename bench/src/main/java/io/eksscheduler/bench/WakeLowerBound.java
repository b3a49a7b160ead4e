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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The least time any wake of a sandbox cluster can take, whatever the tool: a node launched (the
 * simulator's launch delay, then its kubelet's Ready), then the longest chain of readiness delays
 * through the workloads' {@code eks-scheduler.io/depends-on} graph, since a workload may only start
 * once what it depends on is Ready. A workload's delay is its pods' {@code
 * sandbox.eks-scheduler.io/ready-after} annotation, or the sandbox's default container start; a
 * StatefulSet that starts its pods in order counts one delay per replica. Everything is divided by
 * the sandbox's speed factor. Scheduling, API calls and controllers' work count as zero.
 */
record WakeLowerBound(double speed, Duration launch, Duration nodeReady, List<Link> chain) {

  static final String DEPENDS_ON = "eks-scheduler.io/depends-on";
  static final String READY_AFTER = "sandbox.eks-scheduler.io/ready-after";
  private static final Pattern DURATION = Pattern.compile("^(\\d+(?:\\.\\d+)?)(ms|s|m|h)$");

  /** One workload of the chain, as {@code Kind namespace/name}, and its delay before the speed. */
  record Link(String workload, Duration ready) {}

  /** The bound in real time: the sum of the simulated delays divided by the speed. */
  Duration total() {
    Duration simulated = launch.plus(nodeReady);
    for (Link link : chain) {
      simulated = simulated.plus(link.ready());
    }
    return Duration.ofNanos((long) (simulated.toNanos() / speed));
  }

  /**
   * How the bound adds up, e.g. {@code launch 40 s + node Ready 1 s + StatefulSet data/db 30 s}.
   */
  String explain() {
    List<String> parts = new ArrayList<>();
    parts.add("instance launch " + seconds(launch));
    parts.add("node Ready " + seconds(nodeReady));
    chain.forEach(l -> parts.add(l.workload() + " Ready " + seconds(l.ready())));
    return String.join(" + ", parts) + (speed == 1 ? "" : ", all / speed " + speed);
  }

  /** A workload's "namespace/name", as its {@value #DEPENDS_ON} annotation names it. */
  static String id(JsonNode workload) {
    JsonNode meta = workload.path("metadata");
    return meta.path("namespace").asText() + "/" + meta.path("name").asText();
  }

  /**
   * The bound from the simulator's {@code /_sandbox/settings} and the items of a list of
   * Deployments and StatefulSets (the woken cluster's, whose replicas are back).
   */
  static WakeLowerBound of(JsonNode settings, JsonNode workloads) {
    Duration podReady = ofSeconds(settings.path("podReadySeconds"));
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode w : workloads) {
      if (w.path("spec").path("replicas").asInt(1) > 0) {
        byName.put(id(w), w);
      }
    }
    Map<String, List<Link>> longest = new HashMap<>();
    List<Link> best = List.of();
    for (String name : byName.keySet()) {
      List<Link> chain = longestTo(name, byName, podReady, longest, new HashSet<>());
      if (sum(chain).compareTo(sum(best)) > 0) {
        best = chain;
      }
    }
    return new WakeLowerBound(
        settings.path("speed").asDouble(1),
        ofSeconds(settings.path("launchDelaySeconds")),
        ofSeconds(settings.path("nodeReadySeconds")),
        best);
  }

  /** The longest chain of delays that ends with {@code name}'s own. */
  private static List<Link> longestTo(
      String name,
      Map<String, JsonNode> byName,
      Duration podReady,
      Map<String, List<Link>> memo,
      Set<String> visiting) {
    List<Link> known = memo.get(name);
    if (known != null) {
      return known;
    }
    if (!visiting.add(name)) {
      throw new IllegalArgumentException("dependency cycle through " + name);
    }
    JsonNode workload = byName.get(name);
    List<Link> before = List.of();
    String dependsOn = workload.path("metadata").path("annotations").path(DEPENDS_ON).asText("");
    for (String dependency : dependsOn.split(",")) {
      String d = dependency.trim();
      if (byName.containsKey(d)) {
        List<Link> chain = longestTo(d, byName, podReady, memo, visiting);
        if (sum(chain).compareTo(sum(before)) > 0) {
          before = chain;
        }
      }
    }
    visiting.remove(name);
    List<Link> chain = new ArrayList<>(before);
    chain.add(new Link(workload.path("kind").asText() + " " + name, ready(workload, podReady)));
    memo.put(name, List.copyOf(chain));
    return memo.get(name);
  }

  /** A workload's time from its pods' creation to all of them Ready. */
  private static Duration ready(JsonNode workload, Duration podReady) {
    JsonNode spec = workload.path("spec");
    String annotation =
        spec.path("template").path("metadata").path("annotations").path(READY_AFTER).asText("");
    Matcher m = DURATION.matcher(annotation);
    Duration each = m.matches() ? parse(m) : podReady;
    boolean ordered =
        "StatefulSet".equals(workload.path("kind").asText())
            && !"Parallel".equals(spec.path("podManagementPolicy").asText("OrderedReady"));
    return ordered ? each.multipliedBy(spec.path("replicas").asInt(1)) : each;
  }

  private static Duration parse(Matcher m) {
    double n = Double.parseDouble(m.group(1));
    long unitMillis =
        switch (m.group(2)) {
          case "ms" -> 1;
          case "s" -> 1_000;
          case "m" -> 60_000;
          default -> 3_600_000;
        };
    return Duration.ofMillis((long) (n * unitMillis));
  }

  private static Duration sum(List<Link> chain) {
    return chain.stream().map(Link::ready).reduce(Duration.ZERO, Duration::plus);
  }

  private static Duration ofSeconds(JsonNode seconds) {
    return Duration.ofMillis((long) (seconds.asDouble() * 1000));
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
