package io.eksscheduler.engine.state;

import java.time.Instant;

/**
 * Who holds a lock: written into the lock file so a second run can name it.
 *
 * @param runId the run holding the lock
 * @param pid its process
 * @param host its machine
 * @param since when it took the lock
 */
public record LockHolder(String runId, long pid, String host, Instant since) {

  @Override
  public String toString() {
    return "run " + runId + " (pid " + pid + " on " + host + ", since " + since + ")";
  }
}
