package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.ClusterEffect;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Durations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what {@code workloads.sleep} does with the workloads found, before anything changes:
 * which are put to sleep in which wave (CronJobs and running Jobs first, then Deployments and
 * StatefulSets by the dependency graph, dependents first), which are asleep already, which are left
 * running and why, and what refuses the step. A pure function of the survey and the parameters;
 * {@code plan()} renders it and {@code apply()} acts on it.
 *
 * @param waves the workloads acted on, wave by wave
 * @param excluded the workloads left running, as "Kind ns/name: why"
 * @param notOurs in-scope Jobs left alone, as "Kind ns/name: why" (finished, or suspended by
 *     someone else)
 * @param cycle the dependency cycle that forbids any change, if any
 * @param refused why the step fails before any change (an unreadable original, a wrong dependency),
 *     in the order found; the first is the step's error
 */
record SleepDecision(
    List<List<Entry>> waves,
    List<String> excluded,
    List<String> notOurs,
    Optional<String> cycle,
    List<String> refused) {

  private static final Comparator<Workload> ORDER =
      Comparator.comparing(Workload::namespace)
          .thenComparing(Workload::name)
          .thenComparing(Workload::kind);

  /** What happens to one workload. */
  enum Verdict {
    /** Scaled to 0 or suspended, its original recorded first. */
    SLEEP,
    /** Asleep already with its original recorded: left as it is. */
    ALREADY_ASLEEP,
    /** A running Job waited for (jobs: wait). */
    WAIT_FOR_JOB
  }

  /**
   * One workload acted on.
   *
   * @param workload the workload as read
   * @param verdict what happens to it
   * @param plan what the plan says about it: {@code replicas 3 -> 0}
   */
  record Entry(Workload workload, Verdict verdict, String plan) {

    /**
     * True when the step changes it or waits for it; false when it is asleep already (recorded or,
     * at 0 or suspended without an original, recorded as it is).
     */
    boolean changes() {
      return verdict == Verdict.WAIT_FOR_JOB || (verdict == Verdict.SLEEP && !workload.asleep());
    }
  }

  /** What a sleep does with what {@code survey} found, under {@code params}. */
  static SleepDecision decide(SleepSurvey.Found survey, SleepWorkloads.Params params) {
    SleepScope scope = survey.scope();
    List<Workload> early = new ArrayList<>();
    List<Workload> scaled = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    List<String> notOurs = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    Map<Workload, Optional<Original>> recorded = new IdentityHashMap<>();
    Map<WorkloadGraph.Ref, Set<WorkloadGraph.Ref>> edges = new LinkedHashMap<>();
    for (Workload w : survey.workloads()) {
      if (!scope.inScope(w.namespace())) {
        continue;
      }
      DependencyEdges.addAnnotationEdges(w, edges, refused);
      Optional<String> why = scope.exclusion(w);
      if (why.isPresent()) {
        excluded.add(w.id() + ": " + why.get());
        continue;
      }
      try {
        recorded.put(w, w.recorded()); // an unreadable original fails the step before any change
      } catch (IllegalArgumentException e) {
        refused.add(e.getMessage());
        continue;
      }
      if (w.kind().scales()) {
        scaled.add(w);
      } else if (w.kind() == Workload.Kind.CRONJOB || running(w)) {
        early.add(w);
      } else {
        notOurs.add(w.id() + ": " + (w.finished() ? "finished" : "suspended by someone else"));
      }
    }
    try {
      DependencyEdges.addParamEdges(params.dependencies(), edges);
    } catch (ActionFailure e) {
      refused.add(e.getMessage());
    }
    if (!refused.isEmpty()) {
      return new SleepDecision(List.of(), excluded, notOurs, Optional.empty(), refused);
    }
    List<WorkloadGraph.Ref> refs = new ArrayList<>();
    Map<WorkloadGraph.Ref, List<Workload>> byRef = new LinkedHashMap<>();
    for (Workload w : scaled) {
      if (!byRef.containsKey(w.ref())) {
        refs.add(w.ref());
      }
      byRef.computeIfAbsent(w.ref(), k -> new ArrayList<>()).add(w);
    }
    WorkloadGraph graph = new WorkloadGraph(refs, edges);
    Optional<List<WorkloadGraph.Ref>> cycle = graph.cycle();
    if (cycle.isPresent()) {
      return new SleepDecision(
          List.of(),
          List.copyOf(excluded),
          List.copyOf(notOurs),
          Optional.of(WorkloadGraph.describe(cycle.get())),
          List.of());
    }
    List<List<Workload>> waves = new ArrayList<>();
    early.sort(
        Comparator.comparing((Workload w) -> w.kind() == Workload.Kind.JOB).thenComparing(ORDER));
    if (!early.isEmpty()) {
      waves.add(early);
    }
    for (List<WorkloadGraph.Ref> wave : graph.sleepWaves()) {
      List<Workload> ws = new ArrayList<>();
      wave.forEach(r -> ws.addAll(byRef.get(r)));
      waves.add(ws);
    }
    List<List<Entry>> out = new ArrayList<>();
    for (List<Workload> wave : waves) {
      out.add(wave.stream().map(w -> entry(w, recorded.get(w), params)).toList());
    }
    return new SleepDecision(
        List.copyOf(out), List.copyOf(excluded), List.copyOf(notOurs), Optional.empty(), List.of());
  }

  /** Fails with the first refusal, if any: nothing may change then. */
  SleepDecision failIfRefused() throws ActionFailure {
    if (!refused.isEmpty()) {
      throw new ActionFailure(refused.get(0), false);
    }
    return this;
  }

  /** The workloads of each wave. */
  List<List<Workload>> workloads() {
    return waves.stream().map(w -> w.stream().map(Entry::workload).toList()).toList();
  }

  /** The plan's changes: each workload changed or waited for, by wave. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    if (cycle.isPresent()) {
      out.add(cycle.get() + "; the step would fail before any change");
      return out;
    }
    for (int i = 0; i < waves.size(); i++) {
      for (Entry e : waves.get(i)) {
        if (e.changes()) {
          out.add("wave " + (i + 1) + ": " + e.workload().id() + ": " + e.plan());
        }
      }
    }
    return out;
  }

  /** What the plan keeps as it is: the workloads asleep already, then those left running. */
  List<String> unchanged() {
    List<String> out = new ArrayList<>();
    for (List<Entry> wave : waves) {
      for (Entry e : wave) {
        if (!e.changes()) {
          out.add(e.workload().id() + ": " + e.plan());
        }
      }
    }
    excluded.forEach(e -> out.add("excluded: " + e));
    return out;
  }

  /**
   * What the step leaves for the steps after it, in the order it does it: each workload put to
   * sleep at 0 or suspended with its original marked, and the running pods of every workload it
   * acts on gone (apply waits for them, and for the Jobs it waits for to finish).
   *
   * @param run the run whose id an original recorded now carries
   */
  List<ClusterEffect> effects(String run) {
    List<ClusterEffect> out = new ArrayList<>();
    for (List<Entry> wave : waves) {
      for (Entry e : wave) {
        Workload w = e.workload();
        if (e.verdict() == Verdict.SLEEP) {
          ClusterEffect.Marker marker =
              ClusterEffect.Marker.set(
                  Originals.format(w.recorded().orElseGet(() -> w.current(run))));
          out.add(
              w.kind().scales()
                  ? new ClusterEffect.Scaled(w.clusterRef(), 0, marker)
                  : new ClusterEffect.Suspended(w.clusterRef(), true, marker));
        }
        if (w.selector() != null) {
          out.add(new ClusterEffect.PodsGone(w.namespace(), w.selector(), w.id()));
        }
      }
    }
    return out;
  }

  /**
   * The outputs that may differ from the run's, with why: a running Job may finish before the run
   * reaches it, and a finished Job is neither slept nor waited for.
   */
  Map<String, String> inexact() {
    List<String> jobs = new ArrayList<>();
    boolean slept = false;
    for (List<Entry> wave : waves) {
      for (Entry e : wave) {
        Workload w = e.workload();
        if (w.kind() == Workload.Kind.JOB && !w.suspend()) {
          jobs.add(w.id());
          slept |= e.verdict() == Verdict.SLEEP;
        }
      }
    }
    if (jobs.isEmpty()) {
      return Map.of();
    }
    String why =
        String.join(", ", jobs) + " may finish before the run; a finished Job is not slept";
    return slept ? Map.of("slept", why, "waves", why) : Map.of("waves", why);
  }

  /** The workloads put to sleep (running Jobs waited for are not), as "Kind ns/name". */
  List<String> slept() {
    List<String> out = new ArrayList<>();
    for (List<Entry> wave : waves) {
      for (Entry e : wave) {
        if (e.verdict() != Verdict.WAIT_FOR_JOB) {
          out.add(e.workload().id());
        }
      }
    }
    return out;
  }

  /** Each wave's workloads, as "Kind ns/name". */
  List<List<String>> ids() {
    return Workload.ids(waves, Entry::workload);
  }

  private static Entry entry(
      Workload w, Optional<Original> recorded, SleepWorkloads.Params params) {
    if (w.kind() == Workload.Kind.JOB && !params.suspendJobs()) {
      return new Entry(
          w,
          Verdict.WAIT_FOR_JOB,
          "wait up to " + Durations.format(params.jobDeadlineOrDefault()) + " for it to finish");
    }
    if (recorded.isPresent() && w.asleep()) {
      return new Entry(
          w,
          Verdict.ALREADY_ASLEEP,
          "already asleep (original recorded by run " + recorded.get().run() + ")");
    }
    if (w.asleep() && recorded.isEmpty()) {
      return new Entry(
          w,
          Verdict.SLEEP,
          w.kind().scales()
              ? "already at 0, kept (replicas 0 recorded as its original)"
              : "already suspended, kept (suspended recorded as its original)");
    }
    if (recorded.isPresent()) {
      return new Entry(
          w,
          Verdict.SLEEP,
          w.change()
              + " (original "
              + recorded.get().value()
              + " kept, recorded by run "
              + recorded.get().run()
              + ")");
    }
    return new Entry(w, Verdict.SLEEP, w.change());
  }

  /**
   * A Job this step acts on: still running, or suspended by a stop (its original recorded). A Job
   * suspended by someone else is not ours to touch.
   */
  private static boolean running(Workload job) {
    if (job.finished()) {
      return false;
    }
    return !job.suspend() || job.annotations().containsKey(Originals.ANNOTATION);
  }
}
