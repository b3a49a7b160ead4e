package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import io.eksscheduler.actions.originals.OriginalsProtocol;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /**
     * True when the wake gives it another value; false when it already holds its original (it ran
     * at that value before the stop, or a crash came between the patch and the next step) and only
     * the annotation goes.
     */
    boolean changesValue() {
      Workload w = workload;
      return w.kind().scales()
          ? !Objects.equals(w.replicas(), original.replicas())
          : Boolean.TRUE.equals(w.suspend()) != Boolean.TRUE.equals(original.suspend());
    }

    /** What the plan keeps as it is about it: {@code stays suspended as before the stop; ...}. */
    String kept() {
      if (awake) {
        return "already awake";
      }
      String value =
          workload.kind().scales()
              ? "at " + original.replicas() + " replicas"
              : Boolean.TRUE.equals(original.suspend()) ? "suspended" : "unsuspended";
      return "stays " + value + " as before the stop; annotation removed";
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

  /** The plan's changes: each workload given its original value back, by wave. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < waves.size(); i++) {
      for (Entry e : waves.get(i)) {
        if (!e.awake() && e.changesValue()) {
          lines.add(
              "wave "
                  + (i + 1)
                  + ": "
                  + e.workload().id()
                  + ": "
                  + e.change()
                  + ", annotation removed");
        }
      }
    }
    return lines;
  }

  /**
   * What the plan keeps as it is: the workloads awake already, and those holding their original
   * value already, whose annotation alone goes.
   */
  List<String> unchanged() {
    List<String> out = new ArrayList<>();
    waves.forEach(
        wave ->
            wave.stream()
                .filter(e -> e.awake() || !e.changesValue())
                .forEach(e -> out.add(e.workload().id() + ": " + e.kept())));
    return out;
  }

  /**
   * What the step leaves for the steps after it, in the order it does it: each workload it wakes at
   * its original replicas or suspension with the annotation removed, and the pods a scaled workload
   * starts (their names are not known yet), labelled as its selector asks.
   */
  List<ClusterEffect> effects() {
    List<ClusterEffect> out = new ArrayList<>();
    for (List<Entry> wave : waves) {
      for (Entry e : wave) {
        if (e.awake()) {
          continue;
        }
        Workload w = e.workload();
        Original o = e.original();
        if (!w.kind().scales()) {
          out.add(
              new ClusterEffect.Suspended(
                  w.clusterRef(),
                  Boolean.TRUE.equals(o.suspend()),
                  ClusterEffect.Marker.removed()));
          continue;
        }
        out.add(
            new ClusterEffect.Scaled(w.clusterRef(), o.replicas(), ClusterEffect.Marker.removed()));
        int now = w.replicas() == null ? 0 : w.replicas();
        if (o.replicas() > now) {
          out.add(
              new ClusterEffect.PodsStarting(
                  w.namespace(), w.id(), podLabels(w), o.replicas() - now));
        }
      }
    }
    return out;
  }

  /** The labels a workload's new pods carry as far as its selector tells (its matchLabels). */
  private static Map<String, String> podLabels(Workload w) {
    return w.selector() == null || w.selector().getMatchLabels() == null
        ? Map.of()
        : w.selector().getMatchLabels();
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
