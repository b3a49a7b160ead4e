package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import io.eksscheduler.actions.originals.OriginalsProtocol;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what {@code dependencies.wake} restores, in which order, and what refuses the step: the
 * Deployments and StatefulSets a stop put to sleep by the dependency graph (dependencies first),
 * then the CronJobs and Jobs; each with the original it goes back to (this run's ledger first, else
 * the annotation), or already awake. A pure function of the survey and the parameters; {@code
 * plan()} renders it and {@code apply()} acts on it.
 *
 * @param waves the workloads to wake, wave by wave
 * @param notRecorded in-scope workloads left as they are, no original being recorded for them
 * @param refused why the step fails before any change (an unreadable original, a wrong dependency,
 *     a dependency cycle), in the order found; the first is the step's error
 */
record WakeDecision(List<List<Entry>> waves, List<String> notRecorded, List<String> refused) {

  /**
   * What a wake reads before deciding.
   *
   * @param scope the namespaces looked at and those left asleep
   * @param workloads every workload matching the step's selector, sorted
   * @param ledger this step's ledger: the originals it recorded, by ledger key
   */
  record Survey(SleepScope scope, List<Workload> workloads, Map<String, Original> ledger) {}

  /**
   * One workload to wake.
   *
   * @param workload the workload as read
   * @param original what it goes back to
   * @param awake it holds its original and no annotation already: nothing to patch
   */
  record Entry(Workload workload, Original original, boolean awake) {

    /** The change a wake makes, for the plan and the log: {@code replicas 0 -> 3}. */
    String change() {
      Workload w = workload;
      return w.kind().scales()
          ? "replicas " + w.replicas() + " -> " + original.replicas()
          : "suspend " + w.suspend() + " -> " + original.suspend();
    }
  }

  /** What a wake does with what {@code survey} found, under {@code params}. */
  static WakeDecision decide(Survey survey, WakeWorkloads.Params params) {
    SleepScope scope = survey.scope();
    Map<WorkloadGraph.Ref, Set<WorkloadGraph.Ref>> edges = new LinkedHashMap<>();
    List<Entry> scaled = new ArrayList<>();
    List<Entry> last = new ArrayList<>();
    List<String> notRecorded = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Workload w : survey.workloads()) {
      if (!scope.inScope(w.namespace())) {
        continue;
      }
      DependencyEdges.addAnnotationEdges(w, edges, refused);
      if (scope.exclusion(w).isPresent()) {
        continue; // outside the sleep's scope: not ours (the autoscaler steps own kube-system's)
      }
      Optional<Original> ledger = Optional.ofNullable(survey.ledger().get(w.ledgerKey()));
      Optional<Original> marked;
      try {
        // The ledger wins: the annotation is not even read then (it may be gone after a crash).
        marked = ledger.isPresent() ? Optional.empty() : w.recorded();
      } catch (IllegalArgumentException e) {
        refused.add(e.getMessage());
        continue;
      }
      OriginalsProtocol.RestoreStep<Original> step =
          OriginalsProtocol.decideRestore(ledger, marked, o -> awake(w, o));
      Entry entry;
      if (step instanceof OriginalsProtocol.Restore<Original> r) {
        entry = new Entry(w, r.original(), false);
      } else if (step instanceof OriginalsProtocol.Restored<Original> r) {
        entry = new Entry(w, r.original(), true);
      } else {
        notRecorded.add(w.id());
        continue;
      }
      (w.kind().scales() ? scaled : last).add(entry);
    }
    try {
      DependencyEdges.addParamEdges(params.dependencies(), edges);
    } catch (ActionFailure e) {
      refused.add(e.getMessage());
    }
    if (!refused.isEmpty()) {
      return new WakeDecision(List.of(), List.copyOf(notRecorded), List.copyOf(refused));
    }
    List<WorkloadGraph.Ref> refs = new ArrayList<>();
    Map<WorkloadGraph.Ref, List<Entry>> byRef = new LinkedHashMap<>();
    for (Entry e : scaled) {
      if (!byRef.containsKey(e.workload().ref())) {
        refs.add(e.workload().ref());
      }
      byRef.computeIfAbsent(e.workload().ref(), k -> new ArrayList<>()).add(e);
    }
    WorkloadGraph graph = new WorkloadGraph(refs, edges);
    Optional<List<WorkloadGraph.Ref>> cycle = graph.cycle();
    if (cycle.isPresent()) {
      return new WakeDecision(
          List.of(),
          List.copyOf(notRecorded),
          List.of(WorkloadGraph.describe(cycle.get()) + "; nothing was changed"));
    }
    List<List<Entry>> waves = new ArrayList<>();
    for (List<WorkloadGraph.Ref> wave : graph.wakeWaves()) {
      List<Entry> es = new ArrayList<>();
      wave.forEach(r -> es.addAll(byRef.get(r)));
      waves.add(List.copyOf(es));
    }
    if (!last.isEmpty()) {
      waves.add(List.copyOf(last));
    }
    return new WakeDecision(List.copyOf(waves), List.copyOf(notRecorded), List.of());
  }

  /** True when {@code w} holds {@code original} and no annotation: nothing left to restore. */
  static boolean awake(Workload w, Original original) {
    boolean value =
        w.kind().scales()
            ? w.replicas() != null && w.replicas().equals(original.replicas())
            : w.suspend() == Boolean.TRUE.equals(original.suspend());
    return value && !w.annotations().containsKey(Originals.ANNOTATION);
  }

  /** Fails with the first refusal, if any: nothing may change then. */
  WakeDecision failIfRefused() throws ActionFailure {
    if (!refused.isEmpty()) {
      throw new ActionFailure(refused.get(0), false);
    }
    return this;
  }

  /** The plan's lines: each workload by wave, what changes or that it is awake. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      for (Entry e : waves.get(i)) {
        lines.add(
            "wave "
                + (i + 1)
                + ": "
                + e.workload().id()
                + ": "
                + (e.awake() ? "already awake" : e.change() + ", annotation removed"));
      }
    }
    return lines;
  }

  /** The workloads woken, as "Kind ns/name", in order. */
  List<String> woken() {
    List<String> out = new ArrayList<>();
    waves.forEach(w -> w.forEach(e -> out.add(e.workload().id())));
    return out;
  }

  /** Each wave's workloads, as "Kind ns/name". */
  List<List<String>> ids() {
    return Workload.ids(waves, Entry::workload);
  }
}
