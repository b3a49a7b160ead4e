package io.eksscheduler.cli.output;

import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Human text: one plain line per event (what CI logs want) and, on a terminal, a live block under
 * them showing each running step, its elapsed time and what it waits for.
 */
public final class TextOutput implements Output {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintWriter out;
  private final PrintWriter err;
  private final Clock clock;
  private final boolean live;
  private final Map<String, Instant> running = new LinkedHashMap<>();
  private final Map<String, String> waitingFor = new LinkedHashMap<>();
  private final ProgressPace pace = new ProgressPace();
  private final ScheduledExecutorService ticker;
  private int drawnLines;

  public TextOutput(PrintWriter out, PrintWriter err, Clock clock, boolean live) {
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.live = live;
    if (live) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
    } else {
      ticker = null;
    }
  }

  @Override
  public synchronized void event(Event e) {
    String line = describe(e);
    if ("step-started".equals(e.type())) {
      running.put(e.step(), e.time());
    } else if (e.step() != null && e.status() != null && !"running".equals(e.status())) {
      running.remove(e.step());
      waitingFor.remove(e.step());
      pace.done(e.step());
    }
    if (line != null) {
      clear();
      out.println("[" + TIME.format(e.time()) + "] " + line);
      draw();
      out.flush();
    }
  }

  @Override
  public synchronized void progress(String stepId, String whatItWaitsFor) {
    waitingFor.put(stepId, whatItWaitsFor);
    if (!live) {
      // A plain log gets a line when the wait starts and then every 10 s, not every poll.
      Instant now = clock.instant();
      if (pace.due(stepId, now)) {
        out.println("[" + TIME.format(now) + "] step " + stepId + ": waiting: " + whatItWaitsFor);
        out.flush();
      }
      return;
    }
    redraw();
  }

  private static String describe(Event e) {
    String step = e.step() == null ? "" : "step " + e.step() + ": ";
    String msg = e.message() == null ? "" : e.message();
    switch (e.type()) {
      case "run-started":
        return "run " + e.run() + " of playbook " + msg + " started";
      case "run-resumed":
        return "run " + e.run() + " resumed (" + msg + ")";
      case "run-abandoning":
        return "run " + e.run() + " is being abandoned: " + msg;
      case "step-started":
        return step + "started (" + msg + ")";
      case "attempt-started":
        return e.attempt() != null && e.attempt() > 1 ? step + "attempt " + e.attempt() : null;
      case "step-succeeded":
        return step + "succeeded";
      case "step-failed":
        return step + "FAILED: " + msg;
      case "step-skipped":
        return step + "skipped (" + msg + ")";
      case "step-cancelled":
        return step + "cancelled (" + msg + ")";
      case "step-log":
        return step + msg;
      case "steps-finished":
        return (e.status() == null ? "" : "steps " + e.status() + "; ") + msg;
      case "run-interrupted":
        return "run interrupted; " + msg;
      case "run-finished":
        return "run " + e.run() + " " + e.status();
      default:
        return null; // ledger entries and other bookkeeping stay in events.jsonl
    }
  }

  private void redraw() {
    synchronized (this) {
      clear();
      draw();
      out.flush();
    }
  }

  private void clear() {
    if (live && drawnLines > 0) {
      out.print("\033[" + drawnLines + "A\033[J");
      drawnLines = 0;
    }
  }

  private void draw() {
    if (!live || running.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    for (Map.Entry<String, Instant> r : running.entrySet()) {
      String waits = waitingFor.getOrDefault(r.getKey(), "");
      out.println(
          "  \033[1m>\033[0m "
              + r.getKey()
              + "  "
              + elapsed(Duration.between(r.getValue(), now))
              + (waits.isEmpty() ? "" : "  " + waits));
      drawnLines++;
    }
  }

  private static String elapsed(Duration d) {
    long s = Math.max(0, d.getSeconds());
    return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }

  @Override
  public synchronized void summary(Playbook playbook, RunState state) {
    clear();
    running.clear();
    out.println();
    Duration took = Duration.between(state.startedAt(), state.updatedAt());
    out.println(
        "run "
            + state.runId()
            + " ("
            + state.playbook()
            + "): "
            + state.status().label()
            + " after "
            + elapsed(took));
    Map<StepStatus, Integer> counts = new LinkedHashMap<>();
    List<String> accepted = new ArrayList<>();
    for (Step step : playbook.allSteps()) {
      StepState st = state.step(step.id());
      counts.merge(st.status(), 1, Integer::sum);
      String attempts = st.attempts() > 1 ? " after " + st.attempts() + " attempts" : "";
      String error = st.error() == null ? "" : ": " + st.error();
      out.println(
          String.format(
              "  %-10s %s%s%s%s",
              st.status().label(),
              step.id(),
              step.inFinally() ? " (finally)" : "",
              attempts,
              error));
      if (st.status() == StepStatus.FAILED && step.onFailure() == Step.OnFailure.CONTINUE) {
        accepted.add(step.id());
      }
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(v + " " + k.label()));
    out.println("  " + String.join(", ", parts));
    if (!accepted.isEmpty()) {
      out.println("  failures accepted (onFailure: continue): " + String.join(", ", accepted));
    }
    if (state.status().resumable()) {
      out.println(
          "  resume with: eks-scheduler resume "
              + state.runId()
              + (state.status() == RunStatus.FAILED ? " (after fixing the cause)" : ""));
    }
    out.flush();
  }

  @Override
  public void dryRun(
      Playbook playbook, Map<String, Object> params, List<DryRun.StepPreview> previews) {
    PlanText.print(out, playbook, params, previews);
  }

  @Override
  public synchronized void notice(Notice notice) {
    clear();
    out.flush();
    err.println("notice: " + notice.message());
    err.flush();
    draw();
    out.flush();
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    synchronized (this) {
      clear();
      out.flush();
    }
  }
}
