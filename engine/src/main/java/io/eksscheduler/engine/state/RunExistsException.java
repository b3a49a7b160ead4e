package io.eksscheduler.engine.state;

import java.io.IOException;

/** Says that a run with the id asked for already exists in the store. */
public final class RunExistsException extends IOException {
  private static final long serialVersionUID = 1L;

  public RunExistsException(String runId, String where) {
    super("run " + runId + " already exists in " + where);
  }
}
