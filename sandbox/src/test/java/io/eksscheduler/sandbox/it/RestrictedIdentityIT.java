package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class RestrictedIdentityIT {

  @Test
  void restrictedUserReadsWhereItsRoleReaches(TestSandbox sandbox) throws Exception {
    var pods = new CoreV1Api(sandbox.restrictedClient()).listNamespacedPod("shop").execute();

    assertFalse(pods.getItems().isEmpty());
  }

  @Test
  void restrictedUserIsForbiddenOutsideItsNamespace(TestSandbox sandbox) {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                new CoreV1Api(sandbox.restrictedClient())
                    .listNamespacedPod("kube-system")
                    .execute());

    assertEquals(403, e.getCode());
  }

  @Test
  void restrictedUserIsForbiddenToScaleInItsNamespace(TestSandbox sandbox) {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                new AppsV1Api(sandbox.restrictedClient())
                    .deleteNamespacedDeployment("web", "shop")
                    .dryRun("All")
                    .execute());

    assertEquals(403, e.getCode());
  }
}
