package io.eksscheduler.sandbox.it;

import io.eksscheduler.sandbox.Wait;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Small helpers the integration tests share: own namespaces, simple workloads, waits. */
final class Cluster {

  static final Duration WAIT = Duration.ofSeconds(60);

  private Cluster() {}

  /** Creates a namespace of its own for one test, so tests leave the shared cluster untouched. */
  static String createNamespace(ApiClient client, String prefix) throws ApiException {
    String name =
        prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    new CoreV1Api(client)
        .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(name)))
        .execute();
    Wait.until(
        "ServiceAccount " + name + "/default",
        WAIT,
        Duration.ofMillis(200),
        () -> {
          try {
            new CoreV1Api(client).readNamespacedServiceAccount("default", name).execute();
            return Optional.empty();
          } catch (ApiException e) {
            return Optional.of("HTTP " + e.getCode());
          }
        });
    return name;
  }

  static void deleteNamespace(ApiClient client, String name) throws ApiException {
    new CoreV1Api(client).deleteNamespace(name).execute();
  }

  static V1Pod pod(String namespace, String name, Map<String, String> labels) {
    return new V1Pod()
        .metadata(new V1ObjectMeta().name(name).namespace(namespace).labels(labels))
        .spec(simplePodSpec());
  }

  static V1Deployment deployment(String namespace, String name, int replicas, V1PodSpec spec) {
    Map<String, String> labels = Map.of("app", name);
    return new V1Deployment()
        .metadata(new V1ObjectMeta().name(name).namespace(namespace))
        .spec(
            new V1DeploymentSpec()
                .replicas(replicas)
                .selector(new V1LabelSelector().matchLabels(labels))
                .template(
                    new V1PodTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(labels))
                        .spec(spec)));
  }

  static V1PodSpec simplePodSpec() {
    // client-java 27 initialises V1PodSpec.overhead to an empty map and sends it; the API server
    // then refuses a bare pod ("Pod Overhead set without corresponding RuntimeClass").
    return new V1PodSpec()
        .overhead(null)
        .addContainersItem(new V1Container().name("main").image("public.ecr.aws/test/app:1"));
  }

  /** Waits until the Deployment reports {@code replicas} Ready replicas. */
  static void awaitReadyReplicas(ApiClient client, String namespace, String name, int replicas) {
    Wait.until(
        "Deployment " + namespace + "/" + name + " to have " + replicas + " Ready replicas",
        WAIT,
        Duration.ofMillis(250),
        () -> {
          try {
            V1Deployment d =
                new AppsV1Api(client).readNamespacedDeployment(name, namespace).execute();
            Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
            int have = ready == null ? 0 : ready;
            return have == replicas ? Optional.empty() : Optional.of(have + " Ready");
          } catch (ApiException e) {
            return Optional.of("HTTP " + e.getCode());
          }
        });
  }
}
