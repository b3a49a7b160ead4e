package io.eksscheduler.sandbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.controlplane.CommandRunner;
import io.eksscheduler.sandbox.junit.SandboxExtension;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real AWS CLI (pip's {@code awscli}) against the simulator with nothing but the exported
 * {@code AWS_*} variables, and kubectl logging in through {@code aws eks get-token}.
 */
@ExtendWith(SandboxExtension.class)
class AwsCliIT {

  @Test
  void awsCliWorksThroughAwsEndpointUrl(TestSandbox sandbox) throws Exception {
    Path aws = onPath("aws");
    Assumptions.assumeTrue(aws != null, "the AWS CLI is not installed (pip install awscli)");
    Map<String, String> env = environment(sandbox);

    CommandRunner.Result clusters =
        run(env, sandbox, aws.toString(), "eks", "list-clusters", "--output", "text");
    assertEquals(0, clusters.exitCode(), clusters.output());
    assertTrue(clusters.output().contains("CLUSTERS\tdev"), clusters.output());

    CommandRunner.Result groups =
        run(
            env,
            sandbox,
            aws.toString(),
            "autoscaling",
            "describe-auto-scaling-groups",
            "--filters",
            "Name=tag-key,Values=kubernetes.io/cluster/dev",
            "--query",
            "AutoScalingGroups[].AutoScalingGroupName",
            "--output",
            "text");
    assertEquals(0, groups.exitCode(), groups.output());
    assertEquals(3, groups.output().strip().split("\\s+").length, groups.output());

    CommandRunner.Result whoami =
        run(
            env,
            sandbox,
            sandbox.kubectl().toString(),
            "--kubeconfig",
            sandbox.sandbox().layout().awsKubeconfig().toString(),
            "auth",
            "whoami");
    assertEquals(0, whoami.exitCode(), whoami.output());
    assertTrue(whoami.output().contains("eks-scheduler"), whoami.output());
    assertTrue(whoami.output().contains("system:masters"), whoami.output());
  }

  private static CommandRunner.Result run(
      Map<String, String> env, TestSandbox sandbox, String... command) {
    return CommandRunner.run(
        List.of(command), sandbox.sandbox().layout().dir(), Duration.ofSeconds(60), env);
  }

  private static Map<String, String> environment(TestSandbox sandbox) {
    Map<String, String> env =
        new java.util.LinkedHashMap<>(sandbox.sandbox().environment().applyTo(System.getenv()));
    env.put("AWS_CONFIG_FILE", "/dev/null");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    env.put("AWS_PAGER", "");
    env.remove("AWS_PROFILE");
    return env;
  }

  private static Path onPath(String program) {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    for (String dir : dirs) {
      Path candidate = Path.of(dir, program);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
