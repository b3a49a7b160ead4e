package io.eksscheduler.sandbox.aws;

import static io.eksscheduler.sandbox.aws.IamPolicy.Decision.ALLOW;
import static io.eksscheduler.sandbox.aws.IamPolicy.Decision.EXPLICIT_DENY;
import static io.eksscheduler.sandbox.aws.IamPolicy.Decision.IMPLICIT_DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IamPolicyTest {

  private static final String CLUSTER = "arn:aws:eks:eu-west-1:111122223333:cluster/dev";
  private static final String NODEGROUP =
      "arn:aws:eks:eu-west-1:111122223333:nodegroup/dev/general/7f3c";

  private static IamPolicy policy(String statements) {
    return IamPolicy.parse("{\"Version\": \"2012-10-17\", \"Statement\": [" + statements + "]}");
  }

  @Test
  void actionWildcardsMatchAnyOperationOfTheirPrefixIgnoringCase() {
    IamPolicy p =
        policy("{\"Effect\": \"Allow\", \"Action\": \"eks:Describe*\", \"Resource\": \"*\"}");

    assertEquals(ALLOW, p.evaluate("eks:DescribeCluster", CLUSTER, Map.of()));
    assertEquals(ALLOW, p.evaluate("EKS:describenodegroup", NODEGROUP, Map.of()));
    assertEquals(IMPLICIT_DENY, p.evaluate("eks:UpdateNodegroupConfig", NODEGROUP, Map.of()));
    assertEquals(IMPLICIT_DENY, p.evaluate("autoscaling:DescribeTags", "*", Map.of()));
  }

  @Test
  void resourcesMatchArnPatternsCaseSensitively() {
    IamPolicy p =
        policy(
            "{\"Effect\": \"Allow\", \"Action\": [\"eks:DescribeNodegroup\"],"
                + " \"Resource\": [\"arn:aws:eks:*:*:nodegroup/dev/*/*\"]}");

    assertEquals(ALLOW, p.evaluate("eks:DescribeNodegroup", NODEGROUP, Map.of()));
    assertEquals(
        IMPLICIT_DENY,
        p.evaluate(
            "eks:DescribeNodegroup",
            "arn:aws:eks:eu-west-1:111122223333:nodegroup/prod/general/1",
            Map.of()));
    assertEquals(
        IMPLICIT_DENY,
        p.evaluate("eks:DescribeNodegroup", NODEGROUP.replace("dev", "DEV"), Map.of()));
  }

  @Test
  void anExplicitDenyWinsOverAnyAllow() {
    IamPolicy p =
        policy(
            "{\"Effect\": \"Allow\", \"Action\": \"eks:*\", \"Resource\": \"*\"},"
                + "{\"Effect\": \"Deny\", \"Action\": \"eks:UpdateNodegroupConfig\","
                + " \"Resource\": \"*\"}");

    assertEquals(EXPLICIT_DENY, p.evaluate("eks:UpdateNodegroupConfig", NODEGROUP, Map.of()));
    assertEquals(ALLOW, p.evaluate("eks:DescribeNodegroup", NODEGROUP, Map.of()));
  }

  @Test
  void notActionAllowsEverythingElse() {
    IamPolicy p =
        policy("{\"Effect\": \"Allow\", \"NotAction\": \"eks:Update*\", \"Resource\": \"*\"}");

    assertEquals(ALLOW, p.evaluate("eks:DescribeCluster", CLUSTER, Map.of()));
    assertEquals(IMPLICIT_DENY, p.evaluate("eks:UpdateNodegroupConfig", NODEGROUP, Map.of()));
  }

  @Test
  void nullConditionTellsATaggedResourceFromAnUntaggedOne() {
    IamPolicy p =
        policy(
            "{\"Effect\": \"Allow\", \"Action\": \"eks:UpdateNodegroupConfig\", \"Resource\":"
                + " \"*\", \"Condition\": {\"Null\":"
                + " {\"aws:ResourceTag/eks-scheduler.io/original\": \"false\"}}}");

    assertEquals(
        ALLOW,
        p.evaluate(
            "eks:UpdateNodegroupConfig",
            NODEGROUP,
            Map.of("aws:ResourceTag/eks-scheduler.io/original", List.of("{}"))));
    assertEquals(IMPLICIT_DENY, p.evaluate("eks:UpdateNodegroupConfig", NODEGROUP, Map.of()));
  }

  @Test
  void forAllValuesLimitsTheTagKeysARequestMaySet() {
    IamPolicy p =
        policy(
            "{\"Effect\": \"Allow\", \"Action\": \"eks:TagResource\", \"Resource\": \"*\","
                + " \"Condition\": {\"ForAllValues:StringEquals\":"
                + " {\"aws:TagKeys\": [\"eks-scheduler.io/original\"]}}}");

    assertEquals(
        ALLOW,
        p.evaluate(
            "eks:TagResource",
            NODEGROUP,
            Map.of("aws:TagKeys", List.of("eks-scheduler.io/original"))));
    assertEquals(
        IMPLICIT_DENY,
        p.evaluate(
            "eks:TagResource",
            NODEGROUP,
            Map.of("aws:TagKeys", List.of("eks-scheduler.io/original", "team"))));
  }

  @Test
  void stringConditionsFollowIamForAbsentKeys() {
    IamPolicy equals =
        policy(
            "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\":"
                + " {\"StringLike\": {\"aws:ResourceTag/environment\": \"dev*\"}}}");
    IamPolicy notEquals =
        policy(
            "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\":"
                + " {\"StringNotEquals\": {\"aws:ResourceTag/environment\": \"prod\"}}}");
    IamPolicy ifExists =
        policy(
            "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\":"
                + " {\"StringEqualsIfExists\": {\"aws:ResourceTag/environment\": \"dev\"}}}");
    Map<String, List<String>> dev = Map.of("AWS:ResourceTag/Environment", List.of("dev-eu"));

    assertEquals(ALLOW, equals.evaluate("eks:DescribeCluster", CLUSTER, dev));
    assertEquals(IMPLICIT_DENY, equals.evaluate("eks:DescribeCluster", CLUSTER, Map.of()));
    assertEquals(ALLOW, notEquals.evaluate("eks:DescribeCluster", CLUSTER, Map.of()));
    assertEquals(ALLOW, ifExists.evaluate("eks:DescribeCluster", CLUSTER, Map.of()));
    assertEquals(IMPLICIT_DENY, ifExists.evaluate("eks:DescribeCluster", CLUSTER, dev));
  }

  @Test
  void whatCannotBeEvaluatedIsRefusedWithItsName() {
    IllegalArgumentException operator =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                policy(
                    "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\","
                        + " \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}}"));
    IllegalArgumentException principal =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                policy(
                    "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\","
                        + " \"Resource\": \"*\"}"));
    IllegalArgumentException noResource =
        assertThrows(
            IllegalArgumentException.class,
            () -> policy("{\"Effect\": \"Allow\", \"Action\": \"eks:DescribeCluster\"}"));

    assertTrue(operator.getMessage().contains("'IpAddress'"), operator.getMessage());
    assertTrue(principal.getMessage().contains("'Principal'"), principal.getMessage());
    assertTrue(noResource.getMessage().contains("Resource"), noResource.getMessage());
  }
}
