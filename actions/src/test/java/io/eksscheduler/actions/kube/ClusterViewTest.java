package io.eksscheduler.actions.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.engine.spi.Effect;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobSpec;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
  private static final V1LabelSelector POSTGRES =
      new V1LabelSelector().matchLabels(Map.of("app", "postgres"));
  private static final ClusterEffect.Ref DEPLOYMENT =
      new ClusterEffect.Ref("Deployment", "shop", "api");
  private static final ClusterEffect.Ref CRONJOB =
      new ClusterEffect.Ref("CronJob", "batch", "cleanup");

  private final List<Effect> read = new ArrayList<>();

  private ClusterView view(Effect... effects) {
    return new ClusterView(List.of(effects), read::add);
  }

  private static V1Pod pod(String ns, String name, String node, String app, String phase) {
    return new V1Pod()
        .metadata(new V1ObjectMeta().namespace(ns).name(name).labels(Map.of("app", app)))
        .spec(new V1PodSpec().nodeName(node))
        .status(new V1PodStatus().phase(phase));
  }

  /** Two running pods of shop/api, on nodes n1 and n2. */
  private static List<V1Pod> apiPods() {
    return List.of(
        pod("shop", "api-1", "n1", "api", "Running"), pod("shop", "api-2", "n2", "api", "Running"));
  }

  private static V1Node node(String name, String group, String providerId) {
    V1ObjectMeta meta = new V1ObjectMeta().name(name);
    if (group != null) {
      meta.labels(Map.of(Nodes.NODEGROUP_LABEL, group));
    }
    return new V1Node().metadata(meta).spec(new V1NodeSpec().providerID(providerId));
  }

  private static List<String> names(List<V1Pod> pods) {
    return pods.stream().map(p -> Names.of(p.getMetadata())).toList();
  }

  private static List<String> nodeNames(List<V1Node> nodes) {
    return nodes.stream().map(n -> n.getMetadata().getName()).toList();
  }

  private static V1Deployment deployment(int replicas) {
    return new V1Deployment()
        .metadata(new V1ObjectMeta().namespace("shop").name("api"))
        .spec(new V1DeploymentSpec().replicas(replicas));
  }

  private static V1CronJob cronJob(boolean suspend, String marker) {
    V1ObjectMeta meta = new V1ObjectMeta().namespace("batch").name("cleanup");
    if (marker != null) {
      meta.putAnnotationsItem(Originals.ANNOTATION, marker);
    }
    return new V1CronJob().metadata(meta).spec(new V1CronJobSpec().suspend(suspend));
  }

  @Test
  void withoutEffectsTheViewReturnsWhatItIsGiven() {
    List<V1Pod> pods = List.of(pod("shop", "api-1", "n1", "api", "Running"));
    List<V1Node> nodes = List.of(node("n1", "general", null));
    ClusterView view = view();
    assertSame(pods, view.pods(pods));
    assertSame(nodes, view.nodes(nodes));
    assertEquals(3, view.workload(deployment(3)).getSpec().getReplicas());
    assertEquals(List.of(), view.unknowns(nodes));
    assertEquals(List.of(), read);
  }

  @Test
  void effectsThatAreNotTheClustersAreIgnored() {
    List<V1Pod> pods = List.of(pod("shop", "api-1", "n1", "api", "Running"));
    Effect other = () -> "something else";
    assertSame(pods, view(other).pods(pods));
  }

  @Test
  void podsRemovedByNameAreNotListed() {
    var removed = new ClusterEffect.PodsRemoved(List.of("shop/api-1"));
    assertEquals(List.of("shop/api-2"), names(view(removed).pods(apiPods())));
    assertEquals(List.of(removed), read);
  }

  @Test
  void podsGoneAreTheRunningPodsTheSelectorMatchesInItsNamespace() {
    List<V1Pod> pods =
        List.of(
            pod("data", "postgres-0", "n1", "postgres", "Running"),
            pod("data", "postgres-1", "n1", "postgres", "Pending"),
            pod("data", "migrate-x", "n1", "postgres", "Succeeded"),
            pod("other", "postgres-0", "n1", "postgres", "Running"),
            pod("data", "redis-0", "n1", "redis", "Running"));
    var gone = new ClusterEffect.PodsGone("data", POSTGRES, "StatefulSet data/postgres");
    assertEquals(
        List.of("data/migrate-x", "other/postgres-0", "data/redis-0"),
        names(view(gone).pods(pods)));
  }

  @Test
  void podsOfNodesGoneByNameAreNotListed() {
    var gone = new ClusterEffect.NodesGone(List.of("n1"), List.of(), List.of(), Optional.empty());
    assertEquals(List.of("shop/api-2"), names(view(gone).pods(apiPods())));
  }

  @Test
  void nodesGoneByNameGroupOrInstanceAreNotListed() {
    List<V1Node> nodes =
        List.of(
            node("n1", null, null),
            node("n2", "general", null),
            node("n3", null, "aws:///eu-west-1a/i-0abc"),
            node("n4", "system", "aws:///eu-west-1a/i-0def"));
    var gone =
        new ClusterEffect.NodesGone(
            List.of("n1"), List.of("general"), List.of("i-0abc"), Optional.empty());
    assertEquals(List.of("n4"), nodeNames(view(gone).nodes(nodes)));
    assertEquals(List.of(gone), read);
  }

  @Test
  void cordonedNodesAreListedUnschedulable() {
    List<V1Node> nodes = List.of(node("n1", null, null), node("n2", null, null));
    var cordoned = new ClusterEffect.NodesCordoned(List.of("n1"));
    List<V1Node> seen = view(cordoned).nodes(nodes);
    assertEquals(List.of(true, false), seen.stream().map(Nodes::cordoned).toList());
    assertEquals(List.of(cordoned), read);
  }

  @Test
  void aNodeCordonedAlreadyDoesNotCountAsRead() {
    V1Node cordonedNow = node("n1", null, null);
    cordonedNow.getSpec().setUnschedulable(true);
    view(new ClusterEffect.NodesCordoned(List.of("n1"))).nodes(List.of(cordonedNow));
    assertEquals(List.of(), read);
  }

  @Test
  void aScaledWorkloadHasItsReplicasAndMarker() {
    var scaled =
        new ClusterEffect.Scaled(DEPLOYMENT, 0, ClusterEffect.Marker.set("{\"replicas\":3}"));
    V1Deployment d = view(scaled).workload(deployment(3));
    assertEquals(0, d.getSpec().getReplicas());
    assertEquals("{\"replicas\":3}", d.getMetadata().getAnnotations().get(Originals.ANNOTATION));
    assertEquals(List.of(scaled), read);
  }

  @Test
  void aStatefulSetOfTheSameNameIsNotTheDeploymentScaled() {
    var scaled = new ClusterEffect.Scaled(DEPLOYMENT, 0, ClusterEffect.Marker.UNTOUCHED);
    V1StatefulSet s =
        new V1StatefulSet()
            .metadata(new V1ObjectMeta().namespace("shop").name("api"))
            .spec(new V1StatefulSetSpec().replicas(2));
    assertEquals(2, view(scaled).workload(s).getSpec().getReplicas());
    assertEquals(List.of(), read);
  }

  @Test
  void aSuspendedCronJobHasItsSuspendAndMarker() {
    var suspended = new ClusterEffect.Suspended(CRONJOB, true, ClusterEffect.Marker.set("m"));
    V1CronJob c = view(suspended).workload(cronJob(false, null));
    assertTrue(c.getSpec().getSuspend());
    assertEquals("m", c.getMetadata().getAnnotations().get(Originals.ANNOTATION));
  }

  @Test
  void aSuspendedJobIsSuspended() {
    var ref = new ClusterEffect.Ref("Job", "batch", "reindex");
    V1Job job =
        new V1Job()
            .metadata(new V1ObjectMeta().namespace("batch").name("reindex"))
            .spec(new V1JobSpec().suspend(false));
    var suspended = new ClusterEffect.Suspended(ref, true, ClusterEffect.Marker.UNTOUCHED);
    assertTrue(view(suspended).workload(job).getSpec().getSuspend());
  }

  @Test
  void aRemovedMarkerIsNoLongerThereAndAnUntouchedOneStays() {
    var woken = new ClusterEffect.Suspended(CRONJOB, false, ClusterEffect.Marker.removed());
    V1CronJob c = view(woken).workload(cronJob(true, "m"));
    assertEquals(null, c.getMetadata().getAnnotations().get(Originals.ANNOTATION));
    var kept = new ClusterEffect.Suspended(CRONJOB, true, ClusterEffect.Marker.UNTOUCHED);
    V1CronJob k = view(kept).workload(cronJob(false, "m"));
    assertEquals("m", k.getMetadata().getAnnotations().get(Originals.ANNOTATION));
  }

  @Test
  void theLastEffectOnAWorkloadWins() {
    V1Deployment d =
        view(
                new ClusterEffect.Scaled(DEPLOYMENT, 0, ClusterEffect.Marker.set("m")),
                new ClusterEffect.Scaled(DEPLOYMENT, 3, ClusterEffect.Marker.removed()))
            .workload(deployment(3));
    assertEquals(3, d.getSpec().getReplicas());
    assertEquals(null, d.getMetadata().getAnnotations().get(Originals.ANNOTATION));
  }

  @Test
  void eachEffectUsedIsReadOnceAndThoseUnusedNever() {
    var removed = new ClusterEffect.PodsRemoved(List.of("shop/api-1", "shop/api-2"));
    var unused = new ClusterEffect.PodsRemoved(List.of("shop/web-1"));
    view(removed, unused).pods(apiPods());
    assertEquals(List.of(removed), read);
  }

  @Test
  void podsStartingAreUnknownWhileANodeCouldTakeThem() {
    var starting =
        new ClusterEffect.PodsStarting("shop", "ReplicaSet shop/api-7f9", Map.of("app", "api"), 2);
    assertEquals(
        List.of("2 pods of ReplicaSet shop/api-7f9 start during the run, on nodes not known yet"),
        view(starting).unknowns(List.of(node("n1", null, null))));
    assertEquals(List.of(starting), read);
  }

  @Test
  void podsStartingOnNoSchedulableNodeAreNotUnknown() {
    V1Node cordoned = node("n1", null, null);
    cordoned.getSpec().setUnschedulable(true);
    var starting =
        new ClusterEffect.PodsStarting("shop", "ReplicaSet shop/api-7f9", Map.of("app", "api"), 2);
    assertEquals(List.of(), view(starting).unknowns(List.of(cordoned)));
    assertEquals(List.of(), read);
  }

  @Test
  void podsStartingThatALaterStepStopsAreNotUnknown() {
    var starting =
        new ClusterEffect.PodsStarting("shop", "ReplicaSet shop/api-7f9", Map.of("app", "api"), 2);
    var gone =
        new ClusterEffect.PodsGone(
            "shop", new V1LabelSelector().matchLabels(Map.of("app", "api")), "Deployment shop/api");
    var other = new ClusterEffect.PodsGone("shop", POSTGRES, "StatefulSet shop/postgres");
    V1Node n1 = node("n1", null, null);
    assertEquals(List.of(), view(starting, gone).unknowns(List.of(n1)));
    assertEquals(1, view(gone, starting, other).unknowns(List.of(n1)).size());
  }

  @Test
  void nodesGoneNotExactlyAreUnknownOnceTheyChangedWhatWasListed() {
    var gone =
        new ClusterEffect.NodesGone(
            List.of("n1"), List.of(), List.of(), Optional.of("Karpenter removes it in its time"));
    ClusterView view = view(gone);
    List<V1Node> left = view.nodes(List.of(node("n2", null, null)));
    assertEquals(List.of(), view.unknowns(left));
    left = view.nodes(List.of(node("n1", null, null), node("n2", null, null)));
    assertEquals(List.of("Karpenter removes it in its time"), view.unknowns(left));
  }

  @Test
  void effectsSayWhatTheyChangeInOneLine() {
    assertEquals(
        "Deployment shop/api: replicas 0, original {\"replicas\":3} recorded",
        new ClusterEffect.Scaled(DEPLOYMENT, 0, ClusterEffect.Marker.set("{\"replicas\":3}"))
            .line());
    assertEquals(
        "CronJob batch/cleanup: suspend false, original removed",
        new ClusterEffect.Suspended(CRONJOB, false, ClusterEffect.Marker.removed()).line());
    assertEquals(
        "pods of StatefulSet data/postgres gone",
        new ClusterEffect.PodsGone("data", POSTGRES, "StatefulSet data/postgres").line());
    assertEquals(
        "nodes gone: nodes of node groups general",
        new ClusterEffect.NodesGone(List.of(), List.of("general"), List.of(), Optional.empty())
            .line());
  }
}
