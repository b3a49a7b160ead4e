package io.eksscheduler.cli.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.playbook.Step;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.spi.Effect;
import io.eksscheduler.engine.state.Event;
import io.eksscheduler.engine.state.Json;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.StepState;
import io.eksscheduler.engine.state.StepStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One JSON object per line: every event, then a summary; for CI and other programs. */
public final class JsonOutput implements Output {
  private final PrintWriter out;
  private final Clock clock;
  private final ObjectMapper json = Json.mapper();
  private final ProgressPace pace = new ProgressPace();

  public JsonOutput(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public synchronized void event(Event event) {
    ObjectNode line = json.valueToTree(event);
    line.remove("change"); // the state delta is for resume; `runs show` prints the state
    if (event.step() != null && event.status() != null && !"running".equals(event.status())) {
      pace.done(event.step());
    }
    print(line);
  }

  /**
   * {@code {"type":"progress","time":...,"step":...,"waitingFor":...}}: when a wait starts, then at
   * most every 10 s while it lasts.
   */
  @Override
  public void progress(String stepId, String whatItWaitsFor) {
    Instant now = clock.instant();
    if (!pace.due(stepId, now)) {
      return;
    }
    ObjectNode line = json.createObjectNode();
    line.put("type", "progress");
    line.put("time", now.toString());
    line.put("step", stepId);
    line.put("waitingFor", whatItWaitsFor);
    print(line);
  }

  @Override
  public void summary(Playbook playbook, RunState state) {
    ObjectNode summary = json.createObjectNode();
    summary.put("type", "summary");
    summary.put("run", state.runId());
    summary.put("playbook", state.playbook());
    summary.put("status", state.status().label());
    summary.put("startedAt", state.startedAt().toString());
    summary.put("updatedAt", state.updatedAt().toString());
    ArrayNode steps = summary.putArray("steps");
    ArrayNode accepted = summary.putArray("failuresAccepted");
    for (Step step : playbook.allSteps()) {
      StepState st = state.step(step.id());
      ObjectNode s = steps.addObject();
      s.put("id", step.id());
      s.put("action", step.action());
      s.put("finally", step.inFinally());
      s.put("status", st.status().label());
      s.put("attempts", st.attempts());
      if (st.error() != null) {
        s.put("error", st.error());
      }
      if (!st.outputs().isEmpty()) {
        s.set("outputs", json.valueToTree(st.outputs()));
      }
      if (st.status() == StepStatus.FAILED && step.onFailure() == Step.OnFailure.CONTINUE) {
        accepted.add(step.id());
      }
    }
    print(summary);
  }

  @Override
  public void dryRun(
      Playbook playbook, Map<String, Object> params, List<DryRun.StepPreview> previews) {
    for (DryRun.StepPreview p : previews) {
      ObjectNode line = json.createObjectNode();
      line.put("type", "plan");
      line.put("step", p.step().id());
      line.put("action", p.step().action());
      line.put("wave", p.wave() + 1);
      line.put("finally", p.step().inFinally());
      line.put("skipped", p.skipped());
      if (p.kept() != null) {
        line.put("status", p.kept().status().label());
        line.put("kept", true);
        if (!p.kept().outputs().isEmpty()) {
          line.set("outputs", json.valueToTree(p.kept().outputs()));
        }
      }
      p.plan()
          .ifPresent(
              plan -> {
                line.set("changes", json.valueToTree(plan.changes()));
                line.set("unchanged", json.valueToTree(plan.unchanged()));
                line.set("predictedOutputs", json.valueToTree(plan.predictedOutputs()));
                line.set("inexact", json.valueToTree(plan.inexact()));
                line.set(
                    "effects",
                    json.valueToTree(plan.effects().stream().map(Effect::line).toList()));
              });
      if (p.error() != null) {
        line.put("error", p.error());
      }
      print(line);
    }
  }

  @Override
  public void notice(Notice notice) {
    ObjectNode line = json.createObjectNode();
    line.put("type", "notice");
    line.put("code", notice.code());
    if (notice.run() != null) {
      line.put("run", notice.run());
    }
    line.put("message", notice.message());
    print(line);
  }

  private synchronized void print(Object node) {
    out.println(node.toString());
    out.flush();
  }

  @Override
  public void close() {
    out.flush();
  }
}
