package io.eksscheduler.sandbox;

import io.eksscheduler.sandbox.controlplane.ControlPlane;
import io.eksscheduler.sandbox.controlplane.ManagedProcesses;
import io.eksscheduler.sandbox.kube.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reports each component's health: its process, the API server's /readyz, Ready nodes. */
public final class SandboxStatus {

  /** One line of the report. */
  public record Check(String component, boolean healthy, String detail) {}

  private SandboxStatus() {}

  /** Checks the sandbox in {@code dir}; never throws for an unhealthy sandbox, only reports. */
  public static List<Check> check(Path dir) {
    SandboxLayout layout = new SandboxLayout(dir);
    ManagedProcesses processes = new ManagedProcesses(layout);
    List<Check> checks = new ArrayList<>();
    for (String component : ControlPlane.COMPONENTS) {
      checks.add(
          processes
              .running(component)
              .map(p -> new Check(component, true, "running, pid " + p.pid()))
              .orElseGet(() -> new Check(component, false, "not running")));
    }
    if (!java.nio.file.Files.exists(layout.adminKubeconfig())) {
      checks.add(new Check("api", false, "no admin.kubeconfig: run `up`"));
      return checks;
    }
    ApiClient admin = KubeClients.fromKubeconfig(layout.adminKubeconfig());
    KubeClients.RawResponse readyz = KubeClients.get(admin, "/readyz");
    checks.add(
        new Check(
            "/readyz",
            readyz.ok(),
            readyz.ok() ? "ok" : readyz.status() + " " + readyz.body().strip()));
    if (readyz.ok()) {
      try {
        List<V1Node> nodes = new CoreV1Api(admin).listNode().execute().getItems();
        long ready =
            nodes.stream()
                .filter(
                    n ->
                        n.getStatus() != null
                            && n.getStatus().getConditions() != null
                            && n.getStatus().getConditions().stream()
                                .anyMatch(
                                    c ->
                                        c.getType().equals("Ready")
                                            && c.getStatus().equals("True")))
                .count();
        checks.add(
            new Check(
                "nodes",
                ready == nodes.size() && ready > 0,
                ready + "/" + nodes.size() + " Ready"));
      } catch (ApiException e) {
        checks.add(new Check("nodes", false, "listing nodes: HTTP " + e.getCode()));
      }
    }
    return checks;
  }
}
