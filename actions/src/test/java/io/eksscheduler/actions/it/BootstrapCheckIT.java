package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.cluster.BootstrapCheck;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolume;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.Yaml;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * bootstrap.check against the real API server and the simulator: every dev group's instance type is
 * known (a managed group's launch template, a MixedInstancesPolicy), the dev scenario fits on its
 * recorded node groups, and a StatefulSet whose volume lives in a zone no node group serves is
 * reported, naming the zone, before any change.
 */
@ExtendWith(SandboxExtension.class)
class BootstrapCheckIT {
  @TempDir Path state;

  @Test
  void aVolumeInAZoneNoNodeGroupServesIsReportedBeforeAnyChange(TestSandbox sandbox)
      throws Exception {
    ApiClient client = sandbox.adminClient();
    SimulatorConfig aws = sandbox.aws();
    try (EksClient eks = SandboxAws.configure(EksClient.builder(), aws).build();
        AutoScalingClient asg = SandboxAws.configure(AutoScalingClient.builder(), aws).build();
        Ec2Client ec2 = SandboxAws.configure(Ec2Client.builder(), aws).build()) {
      check(
          client,
          new PlaybookRuns(
              List.of(new BootstrapCheck()),
              client,
              state,
              new Clients()
                  .register(EksClient.class, () -> eks)
                  .register(AutoScalingClient.class, () -> asg)
                  .register(Ec2Client.class, () -> ec2)));
    }
  }

  private static void check(ApiClient client, PlaybookRuns runs) throws Exception {
    String with = "      cluster: dev\n";
    // Every group's type is known, wherever it is declared: system's in the launch template it
    // was created with (EC2), batch's in its MixedInstancesPolicy's overrides (the smallest).
    List<String> lines = runs.plan("bootstrap.check", with);
    assertTrue(
        lines.contains("nodegroup system: t3.medium (from launch template dev-system version 1)"),
        lines.toString());
    assertTrue(
        lines.contains(
            "asg dev-batch-asg: of its instance types c5.xlarge, m5.xlarge, the smallest,"
                + " c5.xlarge, is counted"),
        lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("not counted")), lines.toString());
    RunState fits = runs.run("b-fits", "bootstrap.check", with);
    assertEquals(RunStatus.SUCCEEDED, fits.status(), String.valueOf(fits.steps()));

    String ns = "zonal-" + Long.toHexString(System.nanoTime());
    CoreV1Api core = new CoreV1Api(client);
    core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(ns))).execute();
    V1PersistentVolume pv =
        Yaml.loadAs(
            """
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: %1$s-data
              labels: {topology.kubernetes.io/zone: eu-west-1d}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteOnce]
              storageClassName: gp3
              claimRef: {namespace: %1$s, name: data-ledger-0}
              csi: {driver: ebs.csi.aws.com, volumeHandle: vol-0d0d0d0d0d0d0d0d0}
            """
                .formatted(ns),
            V1PersistentVolume.class);
    V1StatefulSet sts =
        Yaml.loadAs(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: ledger, namespace: %s}
            spec:
              replicas: 1
              serviceName: ledger
              selector: {matchLabels: {app: ledger}}
              template:
                metadata: {labels: {app: ledger}}
                spec:
                  containers: [{name: db, image: postgres:17}]
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: gp3
                  resources: {requests: {storage: 1Gi}}
            """
                .formatted(ns),
            V1StatefulSet.class);
    core.createPersistentVolume(pv).execute();
    try {
      new AppsV1Api(client).createNamespacedStatefulSet(ns, sts).execute();
      List<String> plan = runs.plan("bootstrap.check", with);
      assertTrue(
          plan.stream()
              .anyMatch(
                  l ->
                      l.equals(
                          "shortfall: StatefulSet "
                              + ns
                              + "/ledger (pod 0): needs a node in zone eu-west-1d; no node group"
                              + " serves that zone")),
          plan.toString());
      RunState refused = runs.run("b-zone", "bootstrap.check", with);
      assertEquals(RunStatus.FAILED, refused.status());
      String error = refused.steps().get("step").error();
      assertTrue(error.contains("needs a node in zone eu-west-1d"), error);
      assertTrue(error.contains("nothing was changed"), error);
    } finally {
      core.deletePersistentVolume(pv.getMetadata().getName()).execute();
      core.deleteNamespace(ns).execute();
    }
  }
}
