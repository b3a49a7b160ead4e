package io.eksscheduler.cli;

import io.eksscheduler.engine.run.RunIds;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStore;
import java.io.IOException;

/** Finds a run by id, or says clearly that there is none. */
final class RunLookup {
  private RunLookup() {}

  static RunState find(RunStore store, String runId) throws IOException {
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
                        + store.describe()
                        + " (eks-scheduler runs list shows the runs; --state, or --cluster for a"
                        + " cluster's store, picks another store)"));
  }
}
