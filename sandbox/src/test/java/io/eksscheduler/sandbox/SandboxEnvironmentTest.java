package io.eksscheduler.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxEnvironmentTest {

  @Test
  void exportsKeepTheirOrderAndPathComesLast() {
    SandboxEnvironment env =
        SandboxEnvironment.empty()
            .with("KUBECONFIG", "/s/admin.kubeconfig")
            .withPathPrefix(Path.of("/cache/bin"))
            .with("AWS_REGION", "eu-west-1");

    assertEquals(
        "export KUBECONFIG=/s/admin.kubeconfig\nexport AWS_REGION=eu-west-1\nexport PATH=/cache/bin:\"$PATH\"\n",
        env.exportLines());
  }

  @Test
  void valuesWithSpacesAreQuoted() {
    assertEquals(
        "export A='it'\\''s here'\n",
        SandboxEnvironment.empty().with("A", "it's here").exportLines());
  }

  @Test
  void childEnvironmentHasThePathPrefixed() {
    Map<String, String> env =
        SandboxEnvironment.empty()
            .withPathPrefix(Path.of("/b"))
            .applyTo(Map.of("PATH", "/usr/bin"));

    assertEquals("/b:/usr/bin", env.get("PATH"));
  }

  @Test
  void invalidVariableNameIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> SandboxEnvironment.empty().with("not valid", "x"));
  }
}
