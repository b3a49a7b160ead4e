package io.eksscheduler.actions.nodegroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupOriginalTest {
  /** Auto Scaling's nine processes (SuspendProcesses in the API reference). */
  private static final List<String> ALL_BUT_THE_STOPS =
      List.of(
          "Launch",
          "Terminate",
          "AddToLoadBalancer",
          "HealthCheck",
          "InstanceRefresh",
          "ReplaceUnhealthy");

  @Test
  void aShortOriginalIsTaggedWhole() {
    GroupOriginal o = new GroupOriginal(1, "r-1", 1, 3, 6, List.of(), ScaleNodeGroups.PROCESSES);

    assertEquals(o.json(), o.tagValue());
  }

  @Test
  void theWorstCaseFitsInATagValueWithWhatAWakeNeeds() throws Exception {
    String run = "r".repeat(128);
    GroupOriginal worst =
        new GroupOriginal(
            1,
            run,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            ALL_BUT_THE_STOPS,
            ScaleNodeGroups.PROCESSES);
    assertTrue(worst.json().length() > 256, worst.json());

    String tag = worst.tagValue();

    assertTrue(tag.length() <= 256, tag.length() + ": " + tag);
    GroupOriginal read = NodeGroupSurvey.parse(tag, "asg a").orElseThrow();
    assertEquals(Integer.MAX_VALUE, read.min());
    assertEquals(Integer.MAX_VALUE, read.desired());
    assertEquals(Integer.MAX_VALUE, read.max());
    assertEquals(ScaleNodeGroups.PROCESSES, read.suspended());
    assertTrue(read.run().endsWith("~") && run.startsWith(read.run().replace("~", "")), tag);
  }

  @Test
  void withoutTheProcessesSuspendedBeforeTheRunIdIsKeptWhole() throws Exception {
    GroupOriginal o =
        new GroupOriginal(
            1, "r".repeat(128), 2, 5, 10, ALL_BUT_THE_STOPS, ScaleNodeGroups.PROCESSES);

    GroupOriginal read = NodeGroupSurvey.parse(o.tagValue(), "asg a").orElseThrow();

    assertEquals(new GroupOriginal(1, o.run(), 2, 5, 10, null, ScaleNodeGroups.PROCESSES), read);
  }
}
