package io.eksscheduler.actions.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eksscheduler.actions.cluster.NodeInstanceTypes.Choice;
import io.eksscheduler.actions.cluster.NodeInstanceTypes.Template;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.Group;
import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.LaunchTemplate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which instance type bootstrap.check counts for a group, wherever the group declares it. */
class NodeInstanceTypesTest {
  private static final LaunchTemplate TEMPLATE = new LaunchTemplate("lt-1", "dev-system", "3");

  private static Group group(boolean managed, List<String> types, LaunchTemplate template) {
    return new Group(
        managed ? "system" : "batch",
        managed,
        0,
        2,
        4,
        List.of("eu-west-1a"),
        List.of(),
        Optional.empty(),
        null,
        types,
        template,
        Map.of(),
        List.of(),
        "ACTIVE",
        List.of());
  }

  @Test
  void aTypeTheGroupNamesIsCountedWithoutANote() {
    assertEquals(
        new Choice("m5.large", null),
        NodeInstanceTypes.choose(group(true, List.of("m5.large"), null), 2, null));
  }

  @Test
  void ofSeveralTypesTheSmallestIsCounted() {
    Choice c =
        NodeInstanceTypes.choose(
            group(false, List.of("m5.xlarge", "c5.xlarge", "m5.large"), TEMPLATE), 2, null);
    assertEquals("m5.large", c.instanceType());
    assertEquals(
        "asg batch: of its instance types m5.xlarge, c5.xlarge, m5.large, the smallest, m5.large,"
            + " is counted",
        c.note());
  }

  @Test
  void aLaunchTemplatesTypeIsCountedAndSaidSo() {
    Choice c =
        NodeInstanceTypes.choose(
            group(true, List.of(), TEMPLATE), 2, new Template("t3.medium", null));
    assertEquals(
        new Choice(
            "t3.medium", "nodegroup system: t3.medium (from launch template dev-system version 3)"),
        c);
  }

  @Test
  void aManagedGroupThatNamesNoTypeGetsEksDefault() {
    Choice c =
        NodeInstanceTypes.choose(group(true, List.of(), TEMPLATE), 2, new Template(null, null));
    assertEquals("t3.medium", c.instanceType());
  }

  @Test
  void aSelfManagedGroupWhoseTemplateNamesNoTypeIsNotCounted() {
    assertEquals(
        new Choice(
            null,
            "asg batch: launch template dev-system version 3 names no instance type; its 2 nodes"
                + " are not counted"),
        NodeInstanceTypes.choose(group(false, List.of(), TEMPLATE), 2, new Template(null, null)));
    assertEquals(
        new Choice(
            null,
            "asg batch: instance type not known (it has no launch template); its 5 nodes are not"
                + " counted"),
        NodeInstanceTypes.choose(group(false, List.of(), null), 5, null));
  }

  @Test
  void aTemplateThatCannotBeReadIsNamed() {
    assertEquals(
        new Choice(
            null,
            "nodegroup system: launch template gone: not found; its 2 nodes are not" + " counted"),
        NodeInstanceTypes.choose(
            group(true, List.of(), TEMPLATE),
            2,
            new Template(null, "launch template gone: not found")));
  }

  @Test
  void typesOutsideTheTableAreNamed() {
    assertEquals(
        new Choice(
            null,
            "nodegroup system: instance type x9.huge not in the table; its 2 nodes are"
                + " not counted"),
        NodeInstanceTypes.choose(group(true, List.of("x9.huge"), null), 2, null));
    assertEquals(
        "c5.large",
        NodeInstanceTypes.choose(group(true, List.of("x9.huge", "c5.large"), null), 2, null)
            .instanceType());
  }
}
