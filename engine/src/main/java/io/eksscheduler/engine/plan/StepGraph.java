package io.eksscheduler.engine.plan;

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
 * Orders steps into waves by their {@code needs}: each wave holds the steps whose needs all lie in
 * earlier waves, in declaration order.
 *
 * <p>An edge runs from a step to each step it needs, so a cycle reads in the user's terms: {@code a
 * -> b} means "a needs b".
 */
public final class StepGraph {
  private final Graph<String, DefaultEdge> needs = new DefaultDirectedGraph<>(DefaultEdge.class);
  private final Map<String, Integer> order = new HashMap<>();

  /**
   * Builds the graph of {@code ids} (in declaration order) and their needs; needs naming an id
   * outside {@code ids} are ignored (the loader reports them).
   */
  public StepGraph(List<String> ids, Map<String, ? extends Collection<String>> needsById) {
    for (String id : ids) {
      if (needs.addVertex(id)) {
        order.put(id, order.size());
      }
    }
    for (String id : ids) {
      Collection<String> idNeeds = needsById.get(id);
      for (String needed : idNeeds == null ? List.<String>of() : idNeeds) {
        if (needs.containsVertex(needed) && !needed.equals(id)) {
          needs.addEdge(id, needed);
        } else if (needed.equals(id)) {
          needs.addEdge(id, id);
        }
      }
    }
  }

  /** The first cycle in declaration order, as a path that ends where it starts. */
  public Optional<List<String>> cycle() {
    CycleDetector<String, DefaultEdge> detector = new CycleDetector<>(needs);
    if (!detector.detectCycles()) {
      return Optional.empty();
    }
    Set<String> cyclic = detector.findCycles();
    String start =
        cyclic.stream().min((a, b) -> Integer.compare(order.get(a), order.get(b))).orElseThrow();
    if (needs.containsEdge(start, start)) {
      return Optional.of(List.of(start, start));
    }
    Graph<String, DefaultEdge> inCycles = new AsSubgraph<>(needs, cyclic);
    BFSShortestPath<String, DefaultEdge> paths = new BFSShortestPath<>(inCycles);
    List<String> best = null;
    for (String next : sortedByOrder(Graphs.successorListOf(inCycles, start))) {
      GraphPath<String, DefaultEdge> back = paths.getPath(next, start);
      if (back != null && (best == null || back.getLength() + 1 < best.size() - 1)) {
        best = new ArrayList<>();
        best.add(start);
        best.addAll(back.getVertexList());
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The waves in which steps can run; each inner list in declaration order.
   *
   * @throws IllegalStateException naming the cycle if there is one
   */
  public List<List<String>> waves() {
    cycle()
        .ifPresent(
            c -> {
              throw new IllegalStateException("cycle: " + String.join(" -> ", c));
            });
    Map<String, Integer> wave = new HashMap<>();
    // Reverse edges so the iterator yields needed steps first; ties go to declaration order.
    Graph<String, DefaultEdge> runsBefore = new DefaultDirectedGraph<>(DefaultEdge.class);
    needs.vertexSet().forEach(runsBefore::addVertex);
    needs
        .edgeSet()
        .forEach(e -> runsBefore.addEdge(needs.getEdgeTarget(e), needs.getEdgeSource(e)));
    TopologicalOrderIterator<String, DefaultEdge> it =
        new TopologicalOrderIterator<>(runsBefore, (a, b) -> order.get(a) - order.get(b));
    List<List<String>> waves = new ArrayList<>();
    while (it.hasNext()) {
      String id = it.next();
      int w = 0;
      for (String needed : Graphs.successorListOf(needs, id)) {
        w = Math.max(w, wave.get(needed) + 1);
      }
      wave.put(id, w);
      while (waves.size() <= w) {
        waves.add(new ArrayList<>());
      }
      waves.get(w).add(id);
    }
    waves.forEach(list -> list.sort((a, b) -> order.get(a) - order.get(b)));
    return waves;
  }

  /** Every step {@code id} needs, directly or through other steps. */
  public Set<String> transitiveNeeds(String id) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> stack = new ArrayList<>(List.of(id));
    while (!stack.isEmpty()) {
      String current = stack.remove(stack.size() - 1);
      for (String needed : Graphs.successorListOf(needs, current)) {
        if (seen.add(needed)) {
          stack.add(needed);
        }
      }
    }
    return seen;
  }

  private List<String> sortedByOrder(List<String> ids) {
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort((a, b) -> order.get(a) - order.get(b));
    return sorted;
  }
}
