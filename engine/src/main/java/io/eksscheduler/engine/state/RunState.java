package io.eksscheduler.engine.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a run needs to be resumed: its inputs as evaluated, and every step's state.
 *
 * @param version the format of this record
 * @param runId the run's id
 * @param playbook {@code metadata.name}
 * @param playbookFile the playbook file as the user named it
 * @param playbookDigest SHA-256 of the playbook text the run started with
 * @param params the params as evaluated at start
 * @param lockKey the rendered lock key, or null
 * @param status where the run stands
 * @param phase {@code main} while steps run, {@code finally} once the finally steps run
 * @param mainResult the result of the steps, once known ({@code succeeded} or {@code failed})
 * @param round 1 for the first run, one more for each resume of a failed run
 * @param startedAt when the run started (the clock as the run saw it; never re-read)
 * @param updatedAt the time of the last transition
 * @param pid the process that runs or last ran it
 * @param host the machine that runs or last ran it
 * @param lastEventSeq the sequence number of the last event folded into this state
 * @param steps the state of each step and finally step, in declaration order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunState(
    int version,
    String runId,
    String playbook,
    String playbookFile,
    String playbookDigest,
    Map<String, Object> params,
    String lockKey,
    RunStatus status,
    String phase,
    String mainResult,
    int round,
    Instant startedAt,
    Instant updatedAt,
    long pid,
    String host,
    long lastEventSeq,
    Map<String, StepState> steps) {

  public static final int VERSION = 1;
  public static final String MAIN = "main";
  public static final String FINALLY = "finally";

  public RunState {
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
  }

  /**
   * A run this process creates at {@code now}: running its main phase, round 1, no lock key and no
   * event yet.
   */
  public static RunState started(
      String runId,
      String playbook,
      String playbookFile,
      String playbookDigest,
      Map<String, Object> params,
      Instant now,
      String host,
      Map<String, StepState> steps) {
    return new RunState(
        VERSION,
        runId,
        playbook,
        playbookFile,
        playbookDigest,
        params,
        null,
        RunStatus.RUNNING,
        MAIN,
        null,
        1,
        now,
        now,
        ProcessHandle.current().pid(),
        host,
        0,
        steps);
  }

  /** The state of step {@code id}. */
  public StepState step(String id) {
    StepState s = steps.get(id);
    if (s == null) {
      throw new IllegalArgumentException("run " + runId + " has no step '" + id + "'");
    }
    return s;
  }

  /** This run with step {@code id} replaced. */
  public RunState withStep(String id, StepState state) {
    Map<String, StepState> copy = new LinkedHashMap<>(steps);
    copy.put(id, state);
    return new RunState(
        version,
        runId,
        playbook,
        playbookFile,
        playbookDigest,
        params,
        lockKey,
        status,
        phase,
        mainResult,
        round,
        startedAt,
        updatedAt,
        pid,
        host,
        lastEventSeq,
        copy);
  }

  public RunState withStatus(RunStatus next) {
    return new RunState(
        version,
        runId,
        playbook,
        playbookFile,
        playbookDigest,
        params,
        lockKey,
        next,
        phase,
        mainResult,
        round,
        startedAt,
        updatedAt,
        pid,
        host,
        lastEventSeq,
        steps);
  }

  public RunState withPhase(String nextPhase, String result) {
    return new RunState(
        version,
        runId,
        playbook,
        playbookFile,
        playbookDigest,
        params,
        lockKey,
        status,
        nextPhase,
        result,
        round,
        startedAt,
        updatedAt,
        pid,
        host,
        lastEventSeq,
        steps);
  }

  public RunState withRound(int nextRound) {
    return new RunState(
        version,
        runId,
        playbook,
        playbookFile,
        playbookDigest,
        params,
        lockKey,
        status,
        phase,
        mainResult,
        nextRound,
        startedAt,
        updatedAt,
        pid,
        host,
        lastEventSeq,
        steps);
  }

  public RunState withProcess(long nextPid, String nextHost) {
    return new RunState(
        version,
        runId,
        playbook,
        playbookFile,
        playbookDigest,
        params,
        lockKey,
        status,
        phase,
        mainResult,
        round,
        startedAt,
        updatedAt,
        nextPid,
        nextHost,
        lastEventSeq,
        steps);
  }

  public RunState withPlaybook(String file, String digest) {
    return new RunState(
        version,
        runId,
        playbook,
        file,
        digest,
        params,
        lockKey,
        status,
        phase,
        mainResult,
        round,
        startedAt,
        updatedAt,
        pid,
        host,
        lastEventSeq,
        steps);
  }

  public RunState touched(Instant now, long seq) {
    return new RunState(
        version,
        runId,
        playbook,
        playbookFile,
        playbookDigest,
        params,
        lockKey,
        status,
        phase,
        mainResult,
        round,
        startedAt,
        now,
        pid,
        host,
        seq,
        steps);
  }
}
