package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.Originals.Original;
import io.eksscheduler.actions.originals.OriginalsProtocol;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Ledger;
import io.kubernetes.client.openapi.ApiClient;
import java.util.Optional;

/**
 * A workload as the {@link OriginalsProtocol} sees it: its original in the ledger under {@code
 * original:Kind ns/name} and in the annotation {@value Originals#ANNOTATION}, put to sleep with
 * that annotation in one merge patch guarded by the resourceVersion read, woken with its value back
 * and the annotation removed in one merge patch.
 */
record WorkloadSubject(Workload workload, ActionContext ctx, ApiClient client)
    implements OriginalsProtocol.Subject<Original, WorkloadSubject> {

  @Override
  public String ledgerKey() {
    return workload.ledgerKey();
  }

  @Override
  public Optional<Original> inLedger(Ledger ledger) {
    return ledger.get(ledgerKey(), Original.class);
  }

  @Override
  public Object toLedger(Original original) {
    return original;
  }

  @Override
  public Optional<Original> marked() throws ActionFailure {
    try {
      return workload.recorded();
    } catch (IllegalArgumentException e) {
      throw new ActionFailure(e.getMessage(), false);
    }
  }

  @Override
  public boolean stopped() {
    return workload.asleep();
  }

  @Override
  public Original current(String run) {
    return workload.current(run);
  }

  @Override
  public boolean restored(Original original) {
    return WakeDecision.awake(workload, original);
  }

  @Override
  public void markAndStop(Original original) throws ActionFailure, InterruptedException {
    WorkloadCalls.patch(
        ctx,
        client,
        workload,
        Originals.sleepPatch(original, workload.meta().getResourceVersion()),
        "putting " + workload.id() + " to sleep");
  }

  /** One merge patch: the original value back and the annotation removed. */
  @Override
  public void restoreAndClear(Original original) throws ActionFailure, InterruptedException {
    String value =
        workload.kind().scales()
            ? "\"replicas\":" + original.replicas()
            : "\"suspend\":" + original.suspend();
    String patch =
        "{\"metadata\":{\"annotations\":{\""
            + Originals.ANNOTATION
            + "\":null}},\"spec\":{"
            + value
            + "}}";
    WorkloadCalls.patch(ctx, client, workload, patch, "waking " + workload.id());
  }

  @Override
  public Optional<WorkloadSubject> reread() throws ActionFailure, InterruptedException {
    return WorkloadCalls.read(ctx, client, workload).map(w -> new WorkloadSubject(w, ctx, client));
  }
}
