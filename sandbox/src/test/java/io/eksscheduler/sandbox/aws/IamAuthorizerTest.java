package io.eksscheduler.sandbox.aws;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eksscheduler.sandbox.scenario.NodeGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IamAuthorizerTest {

  private static final String OPERATOR_ARN = "arn:aws:iam::111122223333:user/operator";
  private static final AwsIdentity OPERATOR =
      new AwsIdentity(
          "operator", OPERATOR_ARN, "AIDA1", "AKIA1", "secret", "operator", List.of("ops"));
  private static final String ORIGINAL = "eks-scheduler.io/original";

  @TempDir Path dir;
  private Simulator simulator;
  private IamAuthorizer iam;

  @BeforeEach
  void simulator() {
    NodeGroup general =
        NodeGroup.managed("general", 0, List.of("eu-west-1a"), "m5.large", Map.of(), Map.of());
    NodeGroup batch =
        new NodeGroup(
            "batch",
            false,
            0,
            0,
            3,
            List.of("eu-west-1a"),
            "c5.xlarge",
            "ON_DEMAND",
            Map.of(),
            Map.of(),
            Map.of(),
            List.of(),
            Map.of());
    SimulatorConfig config =
        new SimulatorConfig(
            0,
            "eu-west-1",
            "test",
            "dev",
            "1.36",
            "111122223333",
            Map.of(),
            "https://127.0.0.1:6443",
            "",
            dir.resolve("admin.kubeconfig").toString(),
            1,
            0,
            0,
            List.of(general, batch),
            List.of(OPERATOR));
    simulator =
        new Simulator(
            config,
            new StateStore(dir.resolve("state.json")),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    iam = new IamAuthorizer(simulator);
  }

  private void policy(String statements) {
    String json =
        IamPolicy.parse("{\"Version\": \"2012-10-17\", \"Statement\": [" + statements + "]}")
            .json();
    simulator.mutate(st -> st.policies.put("operator", json));
  }

  private IamAuthorizer.Request eks(String method, String path, String query, String body) {
    EksApi.Route route = EksApi.route(method, path).orElseThrow();
    return iam.eks(
        route,
        new AwsRequest(
            method,
            path,
            query,
            body.getBytes(StandardCharsets.UTF_8),
            OPERATOR,
            "eks",
            "eu-west-1"));
  }

  private String nodegroupArn(String name) {
    return simulator.read(
            st -> st.groups.stream().filter(g -> g.name.equals(name)).findFirst().orElseThrow())
        .nodegroupArn;
  }

  private String asgName(String name) {
    return simulator.read(
            st -> st.groups.stream().filter(g -> g.name.equals(name)).findFirst().orElseThrow())
        .asgName;
  }

  @Test
  void anIdentityWithoutAPolicyMayCallEverything() {
    assertDoesNotThrow(
        () ->
            iam.authorize(
                OPERATOR,
                "eks",
                eks("POST", "/clusters/dev/node-groups/general/update-config", null, "{}")));
  }

  @Test
  void aRefusedEksCallNamesTheActionAndTheNodeGroupArn() {
    policy("{\"Effect\": \"Allow\", \"Action\": \"eks:Describe*\", \"Resource\": \"*\"}");

    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                iam.authorize(
                    OPERATOR,
                    "eks",
                    eks("POST", "/clusters/dev/node-groups/general/update-config", null, "{}")));

    assertEquals(403, e.status());
    assertEquals("AccessDeniedException", e.code());
    assertEquals(
        "User: "
            + OPERATOR_ARN
            + " is not authorized to perform: eks:UpdateNodegroupConfig on resource: "
            + nodegroupArn("general")
            + " because no identity-based policy allows the eks:UpdateNodegroupConfig action",
        e.getMessage());
  }

  @Test
  void anUpdateIsDescribedOnItsClusterAndANodeGroupsOnTheNodeGroupToo() {
    String cluster = "arn:aws:eks:eu-west-1:111122223333:cluster/dev";
    assertEquals(
        List.of(cluster, nodegroupArn("general")),
        eks("GET", "/clusters/dev/updates/u-1", "nodegroupName=general", "").targets().stream()
            .map(IamAuthorizer.Target::resource)
            .toList());
    assertEquals(
        List.of(cluster),
        eks("GET", "/clusters/dev/updates/u-1", null, "").targets().stream()
            .map(IamAuthorizer.Target::resource)
            .toList());
  }

  @Test
  void aNodeGroupIsCreatedOnItsClusterWithItsTagsAndDeletedOnItself() {
    IamAuthorizer.Request create =
        eks(
            "POST",
            "/clusters/dev/node-groups",
            null,
            "{\"nodegroupName\":\"x\",\"tags\":{\"team\":\"a\"}}");
    assertEquals(
        List.of("arn:aws:eks:eu-west-1:111122223333:cluster/dev"),
        create.targets().stream().map(IamAuthorizer.Target::resource).toList());
    assertEquals("a", create.targets().get(0).context().get("aws:RequestTag/team").get(0));
    assertEquals(
        List.of(nodegroupArn("general")),
        eks("DELETE", "/clusters/dev/node-groups/general", null, "").targets().stream()
            .map(IamAuthorizer.Target::resource)
            .toList());
  }

  @Test
  void describeUpdateGrantedOnNodeGroupsOnlyIsRefusedOnTheCluster() {
    policy(
        "{\"Effect\": \"Allow\", \"Action\": \"eks:DescribeUpdate\","
            + " \"Resource\": \"arn:aws:eks:*:*:nodegroup/*/*/*\"}");

    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                iam.authorize(
                    OPERATOR,
                    "eks",
                    eks("GET", "/clusters/dev/updates/u-1", "nodegroupName=general", "")));

    assertTrue(
        e.getMessage()
            .contains(
                "eks:DescribeUpdate on resource: arn:aws:eks:eu-west-1:111122223333:cluster/dev"),
        e.getMessage());
  }

  @Test
  void describeUpdateGrantedOnClustersAndNodeGroupsIsAllowed() {
    policy(
        "{\"Effect\": \"Allow\", \"Action\": \"eks:DescribeUpdate\", \"Resource\":"
            + " [\"arn:aws:eks:*:*:cluster/*\", \"arn:aws:eks:*:*:nodegroup/*/*/*\"]}");

    assertDoesNotThrow(
        () ->
            iam.authorize(
                OPERATOR,
                "eks",
                eks("GET", "/clusters/dev/updates/u-1", "nodegroupName=general", "")));
  }

  @Test
  void aRefusedAutoScalingDescribeHasNoResourceInItsMessage() {
    policy("{\"Effect\": \"Allow\", \"Action\": \"eks:*\", \"Resource\": \"*\"}");

    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                iam.authorize(
                    OPERATOR,
                    "autoscaling",
                    iam.autoscaling("DescribeAutoScalingGroups", Map.of())));

    assertEquals(403, e.status());
    assertEquals("AccessDenied", e.code());
    assertEquals(
        "User: "
            + OPERATOR_ARN
            + " is not authorized to perform: autoscaling:DescribeAutoScalingGroups because no"
            + " identity-based policy allows the autoscaling:DescribeAutoScalingGroups action",
        e.getMessage());
  }

  @Test
  void anExplicitDenyIsSaidToBeOne() {
    policy(
        "{\"Effect\": \"Allow\", \"Action\": \"autoscaling:*\", \"Resource\": \"*\"},"
            + "{\"Effect\": \"Deny\", \"Action\": \"autoscaling:UpdateAutoScalingGroup\","
            + " \"Resource\": \"*\"}");

    AwsError e =
        assertThrows(
            AwsError.class,
            () ->
                iam.authorize(
                    OPERATOR,
                    "autoscaling",
                    iam.autoscaling(
                        "UpdateAutoScalingGroup",
                        Map.of("AutoScalingGroupName", asgName("batch")))));

    assertTrue(
        e.getMessage().endsWith(" with an explicit deny in an identity-based policy"),
        e.getMessage());
  }

  @Test
  void aGroupCanBeScaledOnlyOnceItCarriesItsOriginal() {
    policy(
        "{\"Effect\": \"Allow\", \"Action\": \"autoscaling:UpdateAutoScalingGroup\","
            + " \"Resource\": \"*\", \"Condition\": {\"Null\": {\"aws:ResourceTag/"
            + ORIGINAL
            + "\": \"false\"}}},"
            + "{\"Effect\": \"Allow\", \"Action\": \"autoscaling:CreateOrUpdateTags\","
            + " \"Resource\": \"*\", \"Condition\": {\"ForAllValues:StringEquals\":"
            + " {\"aws:TagKeys\": [\""
            + ORIGINAL
            + "\"]}}}");
    String name = asgName("batch");
    IamAuthorizer.Request scale =
        iam.autoscaling("UpdateAutoScalingGroup", Map.of("AutoScalingGroupName", name));

    assertThrows(AwsError.class, () -> iam.authorize(OPERATOR, "autoscaling", scale));
    assertThrows(
        AwsError.class,
        () ->
            iam.authorize(
                OPERATOR,
                "autoscaling",
                iam.autoscaling(
                    "CreateOrUpdateTags",
                    FormParameters.parse(
                        "Tags.member.1.ResourceId=" + name + "&Tags.member.1.Key=team"))));
    iam.authorize(
        OPERATOR,
        "autoscaling",
        iam.autoscaling(
            "CreateOrUpdateTags",
            FormParameters.parse(
                "Tags.member.1.ResourceId=" + name + "&Tags.member.1.Key=" + ORIGINAL)));
    new AutoScalingApi(simulator)
        .execute(
            "CreateOrUpdateTags",
            FormParameters.parse(
                "Tags.member.1.ResourceId="
                    + name
                    + "&Tags.member.1.Key="
                    + ORIGINAL
                    + "&Tags.member.1.Value=%7B%7D"));

    assertDoesNotThrow(
        () ->
            iam.authorize(
                OPERATOR,
                "autoscaling",
                iam.autoscaling("UpdateAutoScalingGroup", Map.of("AutoScalingGroupName", name))));
  }

  @Test
  void aRefusedEksCallIsAnsweredAsRestJsonWithItsErrorType() {
    AwsAnswers.Answer answer =
        AwsAnswers.error(
            "eks", new AwsError(403, "AccessDeniedException", "User: x is not"), "rid");

    assertEquals(403, answer.status());
    assertEquals("application/json", answer.contentType());
    assertEquals("AccessDeniedException", answer.errorType());
    assertEquals(
        "{\"message\":\"User: x is not\"}", new String(answer.body(), StandardCharsets.UTF_8));
  }

  @Test
  void aRefusedAutoScalingCallIsAnsweredAsAnAwsQueryErrorDocument() {
    AwsAnswers.Answer answer =
        AwsAnswers.error("autoscaling", new AwsError(403, "AccessDenied", "User: x is not"), "rid");

    assertEquals(403, answer.status());
    assertEquals("text/xml", answer.contentType());
    assertEquals(
        "<ErrorResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2011-01-01/\"><Error>"
            + "<Type>Sender</Type><Code>AccessDenied</Code><Message>User: x is not</Message>"
            + "</Error><RequestId>rid</RequestId></ErrorResponse>",
        new String(answer.body(), StandardCharsets.UTF_8));
  }
}
