package io.eksscheduler.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.Update;

/**
 * A node group EKS is busy with (a version update someone started, as a platform team does during
 * the day): {@code stop} refuses before any change, naming the group and its status, and {@code
 * start} waits for the update to end before it changes anything.
 */
@ExtendWith(SandboxExtension.class)
class BusyNodegroupIT {
  private static final Path WORK = Path.of("target", "busy-nodegroup-it");

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

  @Test
  void aStopRefusesWhileEksUpdatesAGroupAndAStartWaitsForIt(TestSandbox sandbox) throws Exception {
    StopRuns runs = new StopRuns(sandbox, WORK);
    try (EksClient eks = ClusterSnapshot.configure(EksClient.builder(), sandbox.aws()).build()) {
      Update update =
          eks.updateNodegroupVersion(r -> r.clusterName("dev").nodegroupName("system")).update();
      assertEquals("VersionUpdate", update.typeAsString());
      assertEquals(
          "UPDATING",
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("system"))
              .nodegroup()
              .statusAsString());
      try {
        eks.updateNodegroupConfig(
            r ->
                r.clusterName("dev")
                    .nodegroupName("system")
                    .scalingConfig(c -> c.minSize(0).desiredSize(0).maxSize(3)));
        throw new AssertionError("EKS accepted a second update while the first was in progress");
      } catch (ResourceInUseException expected) {
        // as EKS: one update at a time per node group
      }
      CallLogs calls = CallLogs.from(sandbox);

      StopRuns.Finished stop = runs.run("stop", null, runs.stop());

      assertEquals(1, stop.code(), stop.toString());
      assertTrue(
          stop.output().contains("EKS is busy: nodegroup system is UPDATING; nothing was changed"),
          stop.toString());
      assertEquals(List.of(), calls.toolWrites(), "Kubernetes requests that changed something");
      assertEquals(List.of(), calls.awsWrites(), "AWS calls that changed something");

      StopRuns.Finished start = runs.run("start", null, runs.startCluster());

      assertEquals(0, start.code(), start.toString());
      assertTrue(
          start.output().contains("EKS is busy: nodegroup system is UPDATING; waiting up to 20m"),
          start.toString());
      assertTrue(
          start.output().contains("EKS is done with: nodegroup system is UPDATING"),
          start.toString());
      assertTrue(
          start.output().contains("step preflight: waiting: EKS is busy"),
          "a plain log says what the step waits for: " + start);
      assertEquals(
          "Successful",
          eks.describeUpdate(r -> r.name("dev").nodegroupName("system").updateId(update.id()))
              .update()
              .statusAsString());
      assertEquals(
          List.of(update.id()),
          eks.listUpdates(r -> r.name("dev").nodegroupName("system")).updateIds(),
          "the start made no update of its own to an awake cluster");
    }
  }
}
