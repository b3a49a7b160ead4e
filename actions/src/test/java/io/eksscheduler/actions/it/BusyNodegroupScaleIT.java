package io.eksscheduler.actions.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.actions.nodegroups.RestoreNodeGroups;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups;
import io.eksscheduler.engine.run.Clients;
import io.eksscheduler.engine.state.RunState;
import io.eksscheduler.engine.state.RunStatus;
import io.eksscheduler.sandbox.aws.SimulatorConfig;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.util.PatchUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;
import software.amazon.awssdk.services.eks.model.Update;

/**
 * A node group that turns busy after the preflight (someone starts a version update): the scale
 * step is refused with ResourceInUseException, reads the group's status until EKS is done with it
 * (polling DescribeNodegroup, not re-sending the update), sends its update once more, and succeeds;
 * then nodegroups.restore puts the group back.
 */
@ExtendWith(SandboxExtension.class)
class BusyNodegroupScaleIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path state;

  @Test
  void aGroupBusyWithAVersionUpdateIsWaitedForThenSentItsUpdateOnceMore(TestSandbox sandbox)
      throws Exception {
    SimulatorConfig config = sandbox.aws();
    try (EksClient eks = SandboxAws.configure(EksClient.builder(), config).build();
        AutoScalingClient asg = SandboxAws.configure(AutoScalingClient.builder(), config).build()) {
      Map<String, String> eksLabels = eksLabels(sandbox);
      NodegroupScalingConfig before =
          eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("system"))
              .nodegroup()
              .scalingConfig();
      PlaybookRuns runs =
          new PlaybookRuns(
              List.of(new ScaleNodeGroups(), new RestoreNodeGroups()),
              sandbox.adminClient(),
              state,
              new Clients()
                  .register(EksClient.class, () -> eks)
                  .register(AutoScalingClient.class, () -> asg));
      // CoreDNS's budget would hold a system node for EKS's 15 minutes: 60 s here.
      sandbox.simulatorAdmin("settings", "{\"evictionTimeoutSeconds\":60}");
      try {
        Update version =
            eks.updateNodegroupVersion(r -> r.clusterName("dev").nodegroupName("system")).update();
        long from = Files.readAllLines(sandbox.awsRequestLog()).size();

        RunState scaled =
            runs.run(
                "r-busy-scale",
                "nodegroups.scale",
                "      cluster: dev\n      nodegroups: [system]\n      size: zero\n");

        assertEquals(RunStatus.SUCCEEDED, scaled.status(), String.valueOf(scaled.step("step")));
        List<String> updates = new ArrayList<>();
        int describes = 0;
        List<String> log = Files.readAllLines(sandbox.awsRequestLog());
        for (String line : log.subList((int) from, log.size())) {
          JsonNode call = JSON.readTree(line);
          String op = call.path("operation").asText();
          if (op.equals("UpdateNodegroupConfig")) {
            updates.add(call.path("status").asText() + " " + call.path("errorCode").asText(""));
          } else if (op.equals("DescribeNodegroup")) {
            describes++;
          }
        }
        assertEquals(
            List.of("409 ResourceInUseException", "200 "),
            updates,
            "one refusal, then one update once EKS was done");
        assertTrue(describes >= 2, "the wait read the group's status: " + describes);
        assertEquals(
            "Successful",
            eks.describeUpdate(r -> r.name("dev").nodegroupName("system").updateId(version.id()))
                .update()
                .statusAsString(),
            "the version update was left to finish");

        RunState restored =
            runs.run("r-busy-restore", "nodegroups.restore", "      cluster: dev\n");
        assertEquals(RunStatus.SUCCEEDED, restored.status(), String.valueOf(restored.step("step")));
        assertEquals(
            before,
            eks.describeNodegroup(r -> r.clusterName("dev").nodegroupName("system"))
                .nodegroup()
                .scalingConfig());
      } finally {
        sandbox.simulatorAdmin("settings", "{\"evictionTimeoutSeconds\":900}");
      }
    }
  }

  /** The Ready nodes that carry none of EKS's labels (the custom AMI's). */
  private static List<V1Node> unlabelledNodes(TestSandbox sandbox) throws Exception {
    List<V1Node> out = new ArrayList<>();
    for (V1Node n : new CoreV1Api(sandbox.adminClient()).listNode().execute().getItems()) {
      var labels = n.getMetadata().getLabels();
      if (labels.keySet().stream().noneMatch(k -> k.startsWith("eks.amazonaws.com/"))
          && !labels.containsKey("alpha.eksctl.io/nodegroup-name")) {
        out.add(n);
      }
    }
    return out;
  }

  /** The eks.amazonaws.com/ labels of system's nodes, the same on each. */
  private static Map<String, String> eksLabels(TestSandbox sandbox) throws Exception {
    V1Node one =
        new CoreV1Api(sandbox.adminClient())
            .listNode()
            .labelSelector("eks.amazonaws.com/nodegroup=system")
            .execute()
            .getItems()
            .get(0);
    Map<String, String> out = new TreeMap<>();
    one.getMetadata()
        .getLabels()
        .forEach(
            (k, v) -> {
              if (k.startsWith("eks.amazonaws.com/")) {
                out.put(k, v);
              }
            });
    return out;
  }

  /** Gives the custom AMI's nodes their group's labels back, as the ITs that follow expect. */
  private static void relabel(TestSandbox sandbox, List<V1Node> nodes, Map<String, String> labels)
      throws Exception {
    CoreV1Api core = new CoreV1Api(sandbox.adminClient());
    String patch = JSON.writeValueAsString(Map.of("metadata", Map.of("labels", labels)));
    for (V1Node n : nodes) {
      PatchUtils.patch(
          V1Node.class,
          () -> core.patchNode(n.getMetadata().getName(), new V1Patch(patch)).buildCall(null),
          V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
          sandbox.adminClient());
    }
  }
}
