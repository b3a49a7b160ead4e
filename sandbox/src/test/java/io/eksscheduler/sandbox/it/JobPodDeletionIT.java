package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A deleted pod that carries a finalizer (a Job's pods do) is killed when its grace period ends, so
 * its controller can remove the finalizer and the pod goes, as with a real kubelet; before, such a
 * pod stayed Terminating forever and a drain waited on it.
 */
@ExtendWith(SandboxExtension.class)
class JobPodDeletionIT {

  @Test
  void aDeletedJobPodIsKilledAtTheEndOfItsGracePeriodAndGoes(TestSandbox sandbox) throws Exception {
    ApiClient client = sandbox.adminClient();
    String namespace = Cluster.createNamespace(client, "job-delete-it");
    try {
      new BatchV1Api(client)
          .createNamespacedJob(
              namespace,
              new V1Job()
                  .metadata(new V1ObjectMeta().name("reindex"))
                  .spec(
                      new V1JobSpec()
                          .template(
                              new V1PodTemplateSpec()
                                  .metadata(
                                      new V1ObjectMeta()
                                          .annotations(
                                              Map.of(
                                                  "sandbox.eks-scheduler.io/complete-after",
                                                  "10h")))
                                  .spec(
                                      Cluster.simplePodSpec()
                                          .restartPolicy("Never")
                                          .terminationGracePeriodSeconds(2L)))))
          .execute();
      CoreV1Api core = new CoreV1Api(client);
      Wait.until(
          "the Job's pod Running",
          Duration.ofSeconds(60),
          Duration.ofMillis(200),
          () -> {
            try {
              List<V1Pod> pods = pods(core, namespace);
              return pods.stream()
                      .anyMatch(
                          p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                  ? Optional.empty()
                  : Optional.of(describe(pods));
            } catch (Exception e) {
              return Optional.of(e.getMessage());
            }
          });
      V1Pod pod = pods(core, namespace).get(0);
      assertTrue(
          pod.getMetadata().getFinalizers() != null && !pod.getMetadata().getFinalizers().isEmpty(),
          "a Job's pod carries the job-tracking finalizer");
      core.deleteNamespacedPod(pod.getMetadata().getName(), namespace).execute();
      await(
          "the deleted Job pod to go",
          () ->
              pods(core, namespace).stream()
                  .noneMatch(p -> p.getMetadata().getUid().equals(pod.getMetadata().getUid())));
    } finally {
      Cluster.deleteNamespace(client, namespace);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  private static void await(String what, Check check) {
    Wait.until(
        what,
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        () -> {
          try {
            return check.holds() ? Optional.empty() : Optional.of("not yet");
          } catch (Exception e) {
            return Optional.of(e.getMessage());
          }
        });
  }

  /** What the Job's pods are doing: each one's phase and why it is not scheduled, if it is not. */
  private static String describe(List<V1Pod> pods) {
    if (pods.isEmpty()) {
      return "the Job has no pod yet";
    }
    return pods.stream()
        .map(
            p ->
                p.getMetadata().getName()
                    + " "
                    + (p.getStatus() == null ? "no status" : p.getStatus().getPhase())
                    + " on "
                    + p.getSpec().getNodeName()
                    + (p.getStatus() == null || p.getStatus().getConditions() == null
                        ? ""
                        : p.getStatus().getConditions().stream()
                            .filter(c -> !"True".equals(c.getStatus()))
                            .map(c -> "; " + c.getType() + ": " + c.getMessage())
                            .reduce("", String::concat)))
        .reduce((a, b) -> a + ", " + b)
        .orElseThrow();
  }

  private static List<V1Pod> pods(CoreV1Api core, String namespace) throws Exception {
    return core.listNamespacedPod(namespace).execute().getItems();
  }
}
