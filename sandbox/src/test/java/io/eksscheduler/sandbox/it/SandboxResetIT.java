package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A reset gives back the dev scenario as it starts, in the same directory, at the same speed. */
@ExtendWith(SandboxExtension.class)
class SandboxResetIT {

  @Test
  void resetThrowsAwayWhatTestsChangedAndStartsDevAgain(TestSandbox sandbox) throws Exception {
    Path dir = sandbox.sandbox().layout().dir();
    double speed = sandbox.speed().factor();
    new CoreV1Api(sandbox.adminClient())
        .createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name("reset-it")))
        .execute();
    AppsV1Api apps = new AppsV1Api(sandbox.adminClient());
    V1Deployment web = apps.readNamespacedDeployment("web", "shop").execute();
    web.getSpec().setReplicas(0);
    apps.replaceNamespacedDeployment("web", "shop", web).execute();

    Duration took = sandbox.reset();

    System.err.println("[reset] took " + took.toMillis() + " ms at speed " + speed);
    assertEquals(dir, sandbox.sandbox().layout().dir());
    assertEquals(speed, sandbox.speed().factor());
    assertEquals(TestSandbox.RESET_SCENARIO, sandbox.sandbox().state().scenario());
    CoreV1Api core = new CoreV1Api(sandbox.adminClient());
    ApiException gone =
        assertThrows(ApiException.class, () -> core.readNamespace("reset-it").execute());
    assertEquals(404, gone.getCode());
    assertEquals(
        2,
        new AppsV1Api(sandbox.adminClient())
            .readNamespacedDeployment("web", "shop")
            .execute()
            .getSpec()
            .getReplicas());
    assertEquals(8, core.listNode().execute().getItems().size());
    assertFalse(
        new CoreV1Api(sandbox.restrictedClient())
            .listNamespacedPod("shop")
            .execute()
            .getItems()
            .isEmpty());
  }
}
