package io.eksscheduler.cli.output;

import io.eksscheduler.engine.playbook.Playbook;
import io.eksscheduler.engine.run.DryRun;
import io.eksscheduler.engine.run.EventSink;
import io.eksscheduler.engine.state.RunState;
import java.util.List;
import java.util.Map;

/** Shows a run to its user: as text for a person, or as JSON lines for a machine. */
public interface Output extends EventSink, AutoCloseable {

  /** The run's final summary: each step's status, failures accepted, how to resume. */
  void summary(Playbook playbook, RunState state);

  /** A dry-run's preview of every step. */
  void dryRun(Playbook playbook, Map<String, Object> params, List<DryRun.StepPreview> previews);

  /**
   * A notice: in text {@code notice: MESSAGE} on standard error, in JSON a {@code {"type":
   * "notice", "code": ..., "run": ..., "message": ...}} line on standard output.
   */
  void notice(Notice notice);

  @Override
  void close();
}
