package io.eksscheduler.sandbox.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneBinariesTest {

  @Test
  void missingBinariesNameTheBuildScript(@TempDir Path cache) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ControlPlaneBinaries.locate(Map.of("EKS_SANDBOX_CACHE", cache.toString())));

    assertTrue(e.getMessage().contains("sandbox/scripts/build-control-plane.sh"), e.getMessage());
    assertTrue(e.getMessage().contains("kube-apiserver"), e.getMessage());
  }

  @Test
  void cacheLayoutMatchesTheBuildScript(@TempDir Path cache) {
    Path bin =
        ControlPlaneBinaries.cacheRoot(Map.of("EKS_SANDBOX_CACHE", cache.toString()))
            .resolve(ControlPlaneBinaries.STAMP)
            .resolve("bin");

    assertEquals(cache.resolve("k8s-v1.36.3-etcd-v3.6.14-kwok-v0.8.0/bin"), bin);
  }
}
