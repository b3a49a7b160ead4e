package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.VersionInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxExtension.class)
class ApiServerVersionIT {

  @Test
  void apiServerReportsThePinnedVersion(TestSandbox sandbox) throws Exception {
    VersionInfo version = new VersionApi(sandbox.adminClient()).getCode().execute();

    assertEquals("v1.36.3", version.getGitVersion());
    assertEquals("36", version.getMinor());
  }

  @Test
  void kubectlOnThePathIsTheMatchingClient(TestSandbox sandbox) {
    var result = sandbox.kubectl(Duration.ofSeconds(20), "version", "-o", "json");

    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("\"gitVersion\": \"v1.36.3\""), result.output());
  }
}
