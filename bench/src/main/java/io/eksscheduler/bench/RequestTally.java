package io.eksscheduler.bench;

import io.eksscheduler.bench.AuditLog.Request;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one side of the benchmark did to the API server, from the audit log: the requests the timed
 * program made (by its user), the pods it evicted, and every pod removed meanwhile and by whom
 * first (the program, or a controller acting on what the program changed).
 */
record RequestTally(
    int requests,
    Map<String, Long> byKind,
    Map<Integer, Long> failedByCode,
    int evicted,
    int evictionsRefused,
    int removed,
    int removedReplacements,
    Map<String, Integer> removedFirstBy) {

  private static final String EVICTION = "create pods/eviction";

  /**
   * The tally of the requests received in the side's window; {@code podsBefore} tells the pods
   * there before the window from replacements created (and removed) during it.
   */
  static RequestTally of(List<Request> window, String user, Set<String> podsBefore) {
    List<Request> mine = window.stream().filter(r -> r.user().equals(user)).toList();
    Map<String, Long> byKind =
        mine.stream().collect(Collectors.groupingBy(Request::kind, Collectors.counting()));
    Map<Integer, Long> failed =
        mine.stream()
            .filter(r -> !r.succeeded())
            .collect(Collectors.groupingBy(Request::code, TreeMap::new, Collectors.counting()));
    int evicted =
        (int)
            mine.stream()
                .filter(r -> r.kind().equals(EVICTION) && r.succeeded())
                .map(Request::pod)
                .distinct()
                .count();
    int refused =
        (int) mine.stream().filter(r -> r.kind().equals(EVICTION) && r.code() == 429).count();
    Map<String, String> firstRemover = new LinkedHashMap<>();
    window.stream()
        .sorted((a, b) -> a.received().compareTo(b.received()))
        .filter(RequestTally::removesPod)
        .forEach(r -> firstRemover.putIfAbsent(r.pod(), r.user()));
    Map<String, Integer> removedBy = new TreeMap<>();
    firstRemover.values().forEach(u -> removedBy.merge(u, 1, Integer::sum));
    int replacements =
        (int) firstRemover.keySet().stream().filter(pod -> !podsBefore.contains(pod)).count();
    return new RequestTally(
        mine.size(),
        byKind,
        failed,
        evicted,
        refused,
        firstRemover.size() - replacements,
        replacements,
        removedBy);
  }

  /** A successful eviction, or a successful delete of one named pod. */
  private static boolean removesPod(Request r) {
    if (!r.succeeded() || !"pods".equals(r.resource()) || r.name().isEmpty()) {
      return false;
    }
    return r.kind().equals(EVICTION) || r.kind().equals("delete pods");
  }

  void printBreakdown(PrintStream out, String indent) {
    byKind.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.printf("%s%7d  %s%n", indent, e.getValue(), e.getKey()));
    if (!failedByCode.isEmpty()) {
      out.printf("%snot 2xx: %s%n", indent, failedByCode);
    }
  }
}
