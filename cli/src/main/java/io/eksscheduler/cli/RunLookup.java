package io.eksscheduler.cli;

import io.eksscheduler.engine.run.RunIds;
import io.eksscheduler.engine.state.DirectoryRunStore;
import io.eksscheduler.engine.state.RunState;
import java.io.IOException;

/** Finds a run by id, or says clearly that there is none. */
final class RunLookup {
  private RunLookup() {}

  static RunState find(DirectoryRunStore store, String runId) throws IOException {
    String problem = RunIds.problem(runId);
    if (problem != null) {
      throw new UserError(problem);
    }
    return store
        .load(runId)
        .orElseThrow(
            () ->
                new UserError(
                    "no run "
                        + runId
                        + " in "
                        + store.runDirectory(runId).getParent()
                        + " (eks-scheduler runs list shows the runs; --state-dir picks another"
                        + " store)"));
  }
}
