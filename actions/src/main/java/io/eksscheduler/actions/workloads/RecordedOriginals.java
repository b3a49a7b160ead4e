package io.eksscheduler.actions.workloads;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.openapi.ApiClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The originals a stop left on the cluster's workloads (Deployments, StatefulSets, CronJobs and
 * Jobs carrying the annotation {@code eks-scheduler.io/original}), for {@code cluster.status}.
 */
public final class RecordedOriginals {

  /**
   * One recorded original.
   *
   * @param object what users read: {@code Deployment shop/api}
   * @param run the run that recorded it
   * @param value the original value: {@code replicas 2}, {@code suspend false}
   */
  public record Entry(String object, String run, String value) {}

  private RecordedOriginals() {}

  /** Every workload's recorded original, sorted by namespace and name. */
  public static List<Entry> onWorkloads(ActionContext ctx)
      throws ActionFailure, InterruptedException {
    List<Entry> out = new ArrayList<>();
    for (Workload w : SleepSurvey.listWorkloads(ctx, ctx.client(ApiClient.class), null)) {
      try {
        w.recorded().ifPresent(o -> out.add(new Entry(w.id(), o.run(), o.value())));
      } catch (IllegalArgumentException e) {
        out.add(new Entry(w.id(), "", "unreadable: " + e.getMessage()));
      }
    }
    return out;
  }
}
