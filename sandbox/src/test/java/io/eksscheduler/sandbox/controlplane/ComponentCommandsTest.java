package io.eksscheduler.sandbox.controlplane;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.SandboxLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentCommandsTest {

  private final ComponentCommands commands =
      new ComponentCommands(
          new SandboxLayout(Path.of("/tmp/sb")),
          new Ports(2379, 2380, 6443, 10257, 10259, 10247, 9443, 4566),
          new ControlPlaneBinaries(Path.of("/opt/bin")));

  @Test
  void apiServerKeepsEveryDefaultAdmissionPlugin() {
    assertTrue(
        commands.apiServer().stream()
            .noneMatch(
                a ->
                    a.startsWith("--admission-control")
                        || a.startsWith("--disable-admission-plugins")));
  }

  @Test
  void apiServerAuditsAndAuthorizes() {
    List<String> args = commands.apiServer();

    assertTrue(args.contains("--authorization-mode=Node,RBAC"));
    assertTrue(args.contains("--audit-policy-file=/tmp/sb/config/audit-policy.yaml"));
    assertTrue(args.contains("--audit-log-path=/tmp/sb/logs/audit.log"));
    assertTrue(args.contains("--enable-aggregator-routing=true"));
    assertFalse(args.stream().anyMatch(a -> a.startsWith("--enable-priority-and-fairness")));
  }

  @Test
  void everyComponentListensOnLoopbackOnly() {
    for (List<String> args :
        List.of(commands.apiServer(), commands.controllerManager(), commands.scheduler())) {
      assertTrue(args.contains("--bind-address=127.0.0.1"), args.toString());
    }
    assertTrue(commands.etcd().contains("--listen-client-urls=http://127.0.0.1:2379"));
    assertTrue(commands.kwok().contains("--server-address=127.0.0.1:10247"));
  }

  @Test
  void kwokManagesOnlyAnnotatedNodesWithLeases() {
    List<String> args = commands.kwok();

    assertTrue(args.contains("--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake"));
    assertTrue(args.contains("--node-lease-duration-seconds=40"));
    assertTrue(args.contains("--manage-all-nodes=false"));
  }

  @Test
  void everyCommandNamesTheSandboxDirectorySoDownCanRecogniseIt() {
    for (List<String> args :
        List.of(
            commands.etcd(),
            commands.apiServer(),
            commands.controllerManager(),
            commands.scheduler(),
            commands.kwok(),
            commands.network("java", "cp"))) {
      assertTrue(
          args.stream().anyMatch(a -> a.contains("/tmp/sb/") || a.equals("/tmp/sb")),
          args.toString());
    }
  }
}
