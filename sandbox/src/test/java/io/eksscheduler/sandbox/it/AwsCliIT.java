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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real AWS CLI (pip's {@code awscli}) against the simulator with nothing but the exported
 * {@code AWS_*} variables, and kubectl logging in through {@code aws eks get-token}.
 *
 * <p>The version update replaces the nodes of group {@code system}, so Kyverno's pod is evicted and
 * its replacement is refused by Kyverno's own {@code failurePolicy: Fail} webhook, as on a real
 * cluster: from then on no pod can be created. The next test class finds a fresh dev scenario.
 */
@ExtendWith(SandboxExtension.class)
class AwsCliIT {

  @AfterAll
  static void freshScenarioForWhatFollows(TestSandbox sandbox) {
    sandbox.reset();
  }

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

  /**
   * The AWS CLI drives a node group version update: UPDATING while it runs, any other update
   * refused with ResourceInUseException, listed by list-updates, Successful in describe-update.
   */
  @Test
  void awsCliDrivesANodeGroupVersionUpdate(TestSandbox sandbox) throws Exception {
    Path aws = onPath("aws");
    Assumptions.assumeTrue(aws != null, "the AWS CLI is not installed (pip install awscli)");
    Map<String, String> env = environment(sandbox);
    String[] group = {"--cluster-name", "dev", "--nodegroup-name", "system"};
    List<String> before = nodes(sandbox, "system");
    assertEquals(2, before.size(), before.toString());

    CommandRunner.Result update =
        run(
            env,
            sandbox,
            concat(
                aws,
                "eks",
                "update-nodegroup-version",
                group,
                "--query",
                "update.[type,status,id]",
                "--output",
                "text"));
    assertEquals(0, update.exitCode(), update.output());
    String[] fields = update.output().strip().split("\\s+");
    assertEquals("VersionUpdate", fields[0], update.output());
    assertEquals("InProgress", fields[1], update.output());
    String id = fields[2];

    assertEquals("UPDATING", status(env, sandbox, aws, group));
    CommandRunner.Result refused =
        run(
            env,
            sandbox,
            concat(
                aws,
                "eks",
                "update-nodegroup-config",
                group,
                "--scaling-config",
                "minSize=1,maxSize=4,desiredSize=2"));
    assertTrue(refused.exitCode() != 0, refused.output());
    assertTrue(refused.output().contains("ResourceInUseException"), refused.output());
    CommandRunner.Result listed =
        run(
            env,
            sandbox,
            aws.toString(),
            "eks",
            "list-updates",
            "--name",
            "dev",
            "--nodegroup-name",
            "system",
            "--output",
            "text");
    assertTrue(listed.output().contains(id), listed.output());

    long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String now;
    do {
      Thread.sleep(2000);
      now =
          run(
                  env,
                  sandbox,
                  aws.toString(),
                  "eks",
                  "describe-update",
                  "--name",
                  "dev",
                  "--nodegroup-name",
                  "system",
                  "--update-id",
                  id,
                  "--query",
                  "update.status",
                  "--output",
                  "text")
              .output()
              .strip();
    } while (now.equals("InProgress") && System.nanoTime() < until);
    assertEquals("Successful", now, "the version update ended; the group is ACTIVE again");
    List<String> after = nodes(sandbox, "system");
    assertEquals(2, after.size(), "back to its size: " + after);
    assertTrue(
        after.stream().noneMatch(before::contains),
        "every node replaced by a new instance: " + before + " -> " + after);
    CommandRunner.Result desired =
        run(
            env,
            sandbox,
            aws.toString(),
            "autoscaling",
            "describe-auto-scaling-groups",
            "--filters",
            "Name=tag:eks:nodegroup-name,Values=system",
            "--query",
            "AutoScalingGroups[0].[DesiredCapacity,MaxSize]",
            "--output",
            "text");
    assertEquals("2\t4", desired.output().strip(), "the surge is gone: " + desired.output());
  }

  /**
   * The AWS CLI creates a node group in two of the cluster's subnets: CREATING, its backing group
   * tagged as EKS tags it, its node joins, ACTIVE; then deletes it: DELETING, its node goes, and
   * the group is gone.
   */
  @Test
  void awsCliCreatesAndDeletesANodeGroup(TestSandbox sandbox) throws Exception {
    Path aws = onPath("aws");
    Assumptions.assumeTrue(aws != null, "the AWS CLI is not installed (pip install awscli)");
    Map<String, String> env = environment(sandbox);
    String[] group = {"--cluster-name", "dev", "--nodegroup-name", "cli"};
    String[] subnets =
        run(
                env,
                sandbox,
                aws.toString(),
                "eks",
                "describe-cluster",
                "--name",
                "dev",
                "--query",
                "cluster.resourcesVpcConfig.subnetIds",
                "--output",
                "text")
            .output()
            .strip()
            .split("\\s+");

    CommandRunner.Result created =
        run(
            env,
            sandbox,
            concat(
                aws,
                "eks",
                "create-nodegroup",
                group,
                "--subnets",
                subnets[0],
                subnets[1],
                "--node-role",
                "arn:aws:iam::111122223333:role/dev-node-role",
                "--instance-types",
                "t3.medium",
                "--scaling-config",
                "minSize=1,maxSize=2,desiredSize=1",
                "--labels",
                "workload=cli",
                "--tags",
                "team=cli",
                "--query",
                "nodegroup.[status,resources.autoScalingGroups[0].name]",
                "--output",
                "text"));
    assertEquals(0, created.exitCode(), created.output());
    String[] fields = created.output().strip().split("\\s+");
    assertEquals("CREATING", fields[0], created.output());
    assertTrue(fields[1].startsWith("eks-cli-"), created.output());
    CommandRunner.Result asg =
        run(
            env,
            sandbox,
            aws.toString(),
            "autoscaling",
            "describe-auto-scaling-groups",
            "--filters",
            "Name=tag:eks:cluster-name,Values=dev",
            "Name=tag:eks:nodegroup-name,Values=cli",
            "--query",
            "AutoScalingGroups[].AutoScalingGroupName",
            "--output",
            "text");
    assertEquals(fields[1], asg.output().strip(), asg.output());
    CommandRunner.Result listed =
        run(env, sandbox, aws.toString(), "eks", "list-nodegroups", "--cluster-name", "dev");
    assertTrue(listed.output().contains("\"cli\""), listed.output());

    assertEquals("ACTIVE", statusOnceNot(env, sandbox, aws, group, "CREATING"));
    List<String> nodes = nodes(sandbox, "cli");
    assertEquals(1, nodes.size(), "its node joined: " + nodes);

    CommandRunner.Result deleted =
        run(
            env,
            sandbox,
            concat(
                aws,
                "eks",
                "delete-nodegroup",
                group,
                "--query",
                "nodegroup.status",
                "--output",
                "text"));
    assertEquals(0, deleted.exitCode(), deleted.output());
    assertEquals("DELETING", deleted.output().strip(), deleted.output());
    String gone = statusOnceNot(env, sandbox, aws, group, "DELETING");
    assertTrue(gone.contains("ResourceNotFoundException"), gone);
    assertEquals(List.of(), nodes(sandbox, "cli"), "its node is gone");
  }

  /**
   * The group's status once it is no longer {@code status} (or the CLI's error), within a minute.
   */
  private static String statusOnceNot(
      Map<String, String> env, TestSandbox sandbox, Path aws, String[] group, String status)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    String now;
    do {
      Thread.sleep(500);
      now = status(env, sandbox, aws, group);
    } while (now.equals(status) && System.nanoTime() < until);
    return now;
  }

  /** The group's status as the CLI prints it (or the CLI's error). */
  private static String status(
      Map<String, String> env, TestSandbox sandbox, Path aws, String[] group) {
    return run(
            env,
            sandbox,
            concat(
                aws,
                "eks",
                "describe-nodegroup",
                group,
                "--query",
                "nodegroup.status",
                "--output",
                "text"))
        .output()
        .strip();
  }

  /** The names of the Nodes of node group {@code group}. */
  private static List<String> nodes(TestSandbox sandbox, String group) {
    CommandRunner.Result nodes =
        sandbox.kubectl(
            Duration.ofSeconds(30),
            "get",
            "nodes",
            "-l",
            "eks.amazonaws.com/nodegroup=" + group,
            "-o",
            "name");
    assertEquals(0, nodes.exitCode(), nodes.output());
    return nodes.output().lines().map(String::strip).filter(l -> !l.isEmpty()).sorted().toList();
  }

  private static String[] concat(
      Path aws, String service, String op, String[] group, String... more) {
    List<String> all = new ArrayList<>(List.of(aws.toString(), service, op));
    all.addAll(List.of(group));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
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
