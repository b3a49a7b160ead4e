package io.eksscheduler.actions.workloads;

import io.eksscheduler.actions.kube.KubeCalls;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import java.util.Optional;

/** The calls a sleep and a wake make on one workload, whatever its kind. */
final class WorkloadCalls {
  private WorkloadCalls() {}

  /** Applies the JSON merge patch {@code body} to {@code w}; {@code what} names the call. */
  static void patch(ActionContext ctx, ApiClient client, Workload w, String body, String what)
      throws ActionFailure, InterruptedException {
    AppsV1Api apps = new AppsV1Api(client);
    BatchV1Api batch = new BatchV1Api(client);
    V1Patch patch = new V1Patch(body);
    String name = w.name();
    String ns = w.namespace();
    String merge = V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH;
    KubeCalls.call(
        ctx,
        what,
        () ->
            switch (w.kind()) {
              case DEPLOYMENT ->
                  PatchUtils.patch(
                      V1Deployment.class,
                      () -> apps.patchNamespacedDeployment(name, ns, patch).buildCall(null),
                      merge,
                      client);
              case STATEFULSET ->
                  PatchUtils.patch(
                      V1StatefulSet.class,
                      () -> apps.patchNamespacedStatefulSet(name, ns, patch).buildCall(null),
                      merge,
                      client);
              case CRONJOB ->
                  PatchUtils.patch(
                      V1CronJob.class,
                      () -> batch.patchNamespacedCronJob(name, ns, patch).buildCall(null),
                      merge,
                      client);
              case JOB ->
                  PatchUtils.patch(
                      V1Job.class,
                      () -> batch.patchNamespacedJob(name, ns, patch).buildCall(null),
                      merge,
                      client);
            });
  }

  /** {@code w} as the API server holds it now, empty when it is gone. */
  static Optional<Workload> read(ActionContext ctx, ApiClient client, Workload w)
      throws ActionFailure, InterruptedException {
    AppsV1Api apps = new AppsV1Api(client);
    BatchV1Api batch = new BatchV1Api(client);
    String ns = w.namespace();
    // Listed by name, not read with a get: the step needs only the list verb it uses anyway.
    String field = "metadata.name=" + w.name();
    List<Workload> found =
        KubeCalls.call(
            ctx,
            "reading " + w.id(),
            () ->
                switch (w.kind()) {
                  case DEPLOYMENT ->
                      apps
                          .listNamespacedDeployment(ns)
                          .fieldSelector(field)
                          .execute()
                          .getItems()
                          .stream()
                          .map(Workload::of)
                          .toList();
                  case STATEFULSET ->
                      apps
                          .listNamespacedStatefulSet(ns)
                          .fieldSelector(field)
                          .execute()
                          .getItems()
                          .stream()
                          .map(Workload::of)
                          .toList();
                  case CRONJOB ->
                      batch
                          .listNamespacedCronJob(ns)
                          .fieldSelector(field)
                          .execute()
                          .getItems()
                          .stream()
                          .map(Workload::of)
                          .toList();
                  case JOB ->
                      batch.listNamespacedJob(ns).fieldSelector(field).execute().getItems().stream()
                          .map(Workload::of)
                          .toList();
                });
    return found.stream().findFirst();
  }
}
