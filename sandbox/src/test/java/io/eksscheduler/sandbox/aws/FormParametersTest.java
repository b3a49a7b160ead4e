package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormParametersTest {

  @Test
  void membersAndStructuresFollowTheAwsQueryListConvention() {
    Map<String, String> form =
        FormParameters.parse(
            "Action=DescribeAutoScalingGroups&Filters.member.2.Name=tag-key"
                + "&Filters.member.1.Name=tag%3Aeks%3Acluster-name&Filters.member.1.Values.member.1=dev"
                + "&AutoScalingGroupNames.member.10=j&AutoScalingGroupNames.member.2=b");

    assertEquals(List.of("b", "j"), FormParameters.members(form, "AutoScalingGroupNames"));
    List<Map<String, String>> filters = FormParameters.structures(form, "Filters");
    assertEquals("tag:eks:cluster-name", filters.get(0).get("Name"));
    assertEquals(List.of("dev"), FormParameters.members(filters.get(0), "Values"));
    assertEquals("tag-key", filters.get(1).get("Name"));
  }
}
