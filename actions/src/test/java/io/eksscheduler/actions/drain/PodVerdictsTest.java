package io.eksscheduler.actions.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.drain.DrainNodes.DoNotDisrupt;
import io.eksscheduler.actions.drain.DrainNodes.UnmanagedPods;
import io.eksscheduler.actions.drain.PodVerdicts.Action;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodVerdictsTest {
  private static final PodVerdicts.Settings STRICT =
      new PodVerdicts.Settings(false, UnmanagedPods.FAIL, DoNotDisrupt.LEAVE);

  private static V1Pod pod(String ownerKind) {
    V1ObjectMeta meta = new V1ObjectMeta().name("p").namespace("ns");
    if (ownerKind != null) {
      meta.ownerReferences(
          List.of(new V1OwnerReference().kind(ownerKind).name("o").controller(true)));
    }
    return new V1Pod()
        .metadata(meta)
        .spec(new V1PodSpec())
        .status(new V1PodStatus().phase("Running"));
  }

  @Test
  void drainSkipsDaemonSetPods() {
    assertEquals(Action.SKIP, PodVerdicts.of(pod("DaemonSet"), STRICT).action());
  }

  @Test
  void drainSkipsMirrorPods() {
    V1Pod p = pod(null);
    p.getMetadata().annotations(Map.of(PodVerdicts.MIRROR, "x"));
    assertEquals(Action.SKIP, PodVerdicts.of(p, STRICT).action());
  }

  @Test
  void unmanagedPodsFollowTheirSetting() {
    assertEquals(Action.REFUSE, PodVerdicts.of(pod(null), STRICT).action());
    assertEquals(
        "no controller will recreate it; set unmanagedPods: evict or leave to drain anyway",
        PodVerdicts.of(pod(null), STRICT).reason());
    assertEquals(
        Action.LEAVE,
        PodVerdicts.of(
                pod(null), new PodVerdicts.Settings(false, UnmanagedPods.LEAVE, DoNotDisrupt.LEAVE))
            .action());
    assertEquals(
        Action.EVICT,
        PodVerdicts.of(
                pod(null), new PodVerdicts.Settings(false, UnmanagedPods.EVICT, DoNotDisrupt.LEAVE))
            .action());
  }

  @Test
  void emptyDirNeedsConsent() {
    V1Pod p = pod("ReplicaSet");
    p.getSpec().volumes(List.of(new V1Volume().name("tmp").emptyDir(new V1EmptyDirVolumeSource())));
    assertEquals(Action.REFUSE, PodVerdicts.of(p, STRICT).action());
    assertEquals(
        Action.EVICT,
        PodVerdicts.of(p, new PodVerdicts.Settings(true, UnmanagedPods.FAIL, DoNotDisrupt.LEAVE))
            .action());
  }

  @Test
  void doNotDisruptAndNotSafeToEvictAreLeftUnlessOverridden() {
    V1Pod karpenter = pod("ReplicaSet");
    karpenter.getMetadata().annotations(Map.of(PodVerdicts.DO_NOT_DISRUPT, "true"));
    V1Pod autoscaler = pod("ReplicaSet");
    autoscaler.getMetadata().annotations(Map.of(PodVerdicts.SAFE_TO_EVICT, "false"));
    assertEquals(Action.LEAVE, PodVerdicts.of(karpenter, STRICT).action());
    assertEquals(Action.LEAVE, PodVerdicts.of(autoscaler, STRICT).action());
    PodVerdicts.Settings evict =
        new PodVerdicts.Settings(false, UnmanagedPods.FAIL, DoNotDisrupt.EVICT);
    assertEquals(Action.EVICT, PodVerdicts.of(karpenter, evict).action());
  }

  @Test
  void finishedPodsGoWithTheirNode() {
    V1Pod done = pod(null);
    done.getStatus().phase("Succeeded");
    assertEquals(
        new PodVerdicts.Verdict(Action.SKIP, "finished (Succeeded): goes with its node"),
        PodVerdicts.of(done, STRICT));
    done.getStatus().phase("Failed");
    assertEquals(Action.SKIP, PodVerdicts.of(done, STRICT).action());
    done.getStatus().phase("Running");
    assertEquals(Action.REFUSE, PodVerdicts.of(done, STRICT).action(), "unmanaged, running");
  }
}
