package io.eksscheduler.actions.workloads;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.Graphs;
import org.jgrapht.alg.cycle.CycleDetector;
import org.jgrapht.alg.shortestpath.BFSShortestPath;
import org.jgrapht.graph.AsSubgraph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.traverse.TopologicalOrderIterator;

/**
 * Orders workloads into waves by what they depend on: {@link #sleepWaves()} puts dependents first
 * (databases last), {@link #wakeWaves()} dependencies first. Pure: workload refs and edges in,
 * waves out.
 *
 * <p>An edge runs from a workload to each workload it depends on, so a cycle reads in the user's
 * terms: {@code shop/api -> data/cache} means "shop/api depends on data/cache". Workloads that are
 * only named by an edge (not selected, excluded) keep their place in the graph, so ordering through
 * them holds and a cycle through them is found, but they appear in no wave.
 */
final class WorkloadGraph {

  /**
   * A workload as dependencies name it: namespace and name, whatever its kind.
   *
   * @param namespace its namespace
   * @param name its name
   */
  record Ref(String namespace, String name) implements Comparable<Ref> {

    /**
     * Reads {@code ns/name}, or {@code name} alone meaning {@code defaultNamespace}.
     *
     * @throws IllegalArgumentException naming the text when it is neither
     */
    static Ref parse(String text, String defaultNamespace) {
      String t = text.trim();
      int slash = t.indexOf('/');
      if (t.isEmpty() || slash == 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a workload: write namespace/name, or name in the same namespace");
      }
      return slash < 0
          ? new Ref(defaultNamespace, t)
          : new Ref(t.substring(0, slash), t.substring(slash + 1));
    }

    @Override
    public int compareTo(Ref o) {
      int c = namespace.compareTo(o.namespace);
      return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  private final Graph<Ref, DefaultEdge> dependsOn = new DefaultDirectedGraph<>(DefaultEdge.class);
  private final Map<Ref, Integer> order = new HashMap<>();
  private final Set<Ref> members = new LinkedHashSet<>();

  /**
   * Builds the graph of {@code workloads} (their order breaks ties) and {@code edges} (each
   * workload to those it depends on).
   */
  WorkloadGraph(List<Ref> workloads, Map<Ref, ? extends Collection<Ref>> edges) {
    for (Ref w : workloads) {
      add(w);
      members.add(w);
    }
    List<Ref> sources = new ArrayList<>(edges.keySet());
    sources.sort(this::byOrderThenName);
    for (Ref from : sources) {
      add(from);
      List<Ref> targets = new ArrayList<>(edges.get(from));
      targets.sort(Ref::compareTo);
      for (Ref to : targets) {
        add(to);
        dependsOn.addEdge(from, to);
      }
    }
  }

  private void add(Ref r) {
    if (dependsOn.addVertex(r)) {
      order.put(r, order.size());
    }
  }

  private int byOrderThenName(Ref a, Ref b) {
    Integer oa = order.get(a);
    Integer ob = order.get(b);
    if (oa != null && ob != null) {
      return oa - ob;
    }
    if (oa != null || ob != null) {
      return oa != null ? -1 : 1;
    }
    return a.compareTo(b);
  }

  /** The first cycle (from the earliest workload in it), as a path that ends where it starts. */
  Optional<List<Ref>> cycle() {
    CycleDetector<Ref, DefaultEdge> detector = new CycleDetector<>(dependsOn);
    if (!detector.detectCycles()) {
      return Optional.empty();
    }
    Set<Ref> cyclic = detector.findCycles();
    Ref start = cyclic.stream().min((a, b) -> order.get(a) - order.get(b)).orElseThrow();
    if (dependsOn.containsEdge(start, start)) {
      return Optional.of(List.of(start, start));
    }
    Graph<Ref, DefaultEdge> inCycles = new AsSubgraph<>(dependsOn, cyclic);
    BFSShortestPath<Ref, DefaultEdge> paths = new BFSShortestPath<>(inCycles);
    List<Ref> best = null;
    List<Ref> next = new ArrayList<>(Graphs.successorListOf(inCycles, start));
    next.sort((a, b) -> order.get(a) - order.get(b));
    for (Ref n : next) {
      GraphPath<Ref, DefaultEdge> back = paths.getPath(n, start);
      if (back != null && (best == null || back.getLength() + 2 < best.size())) {
        best = new ArrayList<>();
        best.add(start);
        best.addAll(back.getVertexList());
      }
    }
    return Optional.ofNullable(best);
  }

  /** The error message for a cycle: {@code dependency cycle: a -> b -> a}. */
  static String describe(List<Ref> cycle) {
    List<String> names = new ArrayList<>();
    cycle.forEach(r -> names.add(r.toString()));
    return "dependency cycle: " + String.join(" -> ", names);
  }

  /**
   * The waves in which to put workloads to sleep: first those no workload depends on, last those
   * only depended on; each wave in the workloads' order.
   *
   * @throws IllegalStateException naming the cycle if there is one
   */
  List<List<Ref>> sleepWaves() {
    return waves(true);
  }

  /**
   * The waves in which to wake workloads: first those that depend on nothing, then each workload
   * once everything it depends on is awake; each wave in the workloads' order.
   *
   * @throws IllegalStateException naming the cycle if there is one
   */
  List<List<Ref>> wakeWaves() {
    return waves(false);
  }

  private List<List<Ref>> waves(boolean dependentsFirst) {
    cycle()
        .ifPresent(
            c -> {
              throw new IllegalStateException(describe(c));
            });
    // The graph whose edges point from what goes first to what follows it.
    Graph<Ref, DefaultEdge> first = new DefaultDirectedGraph<>(DefaultEdge.class);
    dependsOn.vertexSet().forEach(first::addVertex);
    for (DefaultEdge e : dependsOn.edgeSet()) {
      Ref dependent = dependsOn.getEdgeSource(e);
      Ref dependency = dependsOn.getEdgeTarget(e);
      if (dependentsFirst) {
        first.addEdge(dependent, dependency);
      } else {
        first.addEdge(dependency, dependent);
      }
    }
    TopologicalOrderIterator<Ref, DefaultEdge> it =
        new TopologicalOrderIterator<>(first, (a, b) -> order.get(a) - order.get(b));
    Map<Ref, Integer> wave = new HashMap<>();
    List<List<Ref>> waves = new ArrayList<>();
    while (it.hasNext()) {
      Ref r = it.next();
      int w = 0;
      for (Ref before : Graphs.predecessorListOf(first, r)) {
        w = Math.max(w, wave.get(before) + 1);
      }
      wave.put(r, w);
      while (waves.size() <= w) {
        waves.add(new ArrayList<>());
      }
      waves.get(w).add(r);
    }
    List<List<Ref>> out = new ArrayList<>();
    for (List<Ref> w : waves) {
      List<Ref> kept = new ArrayList<>(w.stream().filter(members::contains).toList());
      kept.sort((a, b) -> order.get(a) - order.get(b));
      if (!kept.isEmpty()) {
        out.add(List.copyOf(kept));
      }
    }
    return List.copyOf(out);
  }
}
