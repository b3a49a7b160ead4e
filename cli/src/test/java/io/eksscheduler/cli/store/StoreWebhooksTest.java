package io.eksscheduler.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One case per way a webhook's configuration decides whether it sees the store's writes. */
class StoreWebhooksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> NS =
      Map.of("kubernetes.io/metadata.name", "eks-scheduler");

  private static List<StoreWebhooks.Finding> check(String hook) throws Exception {
    JsonNode config =
        JSON.readTree("{\"metadata\":{\"name\":\"cfg\"},\"webhooks\":[" + hook + "]}");
    return StoreWebhooks.blocking("ValidatingWebhookConfiguration", List.of(config), NS);
  }

  private static String hook(String rules, String more) {
    return "{\"name\":\"h.example.com\",\"rules\":[" + rules + "]" + more + "}";
  }

  private static final String SECRETS =
      "{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],"
          + "\"resources\":[\"secrets\"]}";

  @Test
  void aFailingWebhookOnSecretsBlocks() throws Exception {
    List<StoreWebhooks.Finding> found = check(hook(SECRETS, ""));
    assertEquals(1, found.size());
    assertEquals("secrets", found.get(0).resource());
    assertEquals(
        "ValidatingWebhookConfiguration cfg, webhook h.example.com (failurePolicy Fail) matches"
            + " secrets",
        found.get(0).toString());
  }

  @Test
  void failurePolicyIgnoreDoesNotBlock() throws Exception {
    assertEquals(List.of(), check(hook(SECRETS, ",\"failurePolicy\":\"Ignore\"")));
  }

  @Test
  void wildcardsInEveryFieldBlockBothKinds() throws Exception {
    String all =
        "{\"operations\":[\"*\"],\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"],"
            + "\"resources\":[\"*\"]}";
    assertEquals(
        List.of("secrets", "leases"),
        check(hook(all, "")).stream().map(StoreWebhooks.Finding::resource).toList());
  }

  @Test
  void starSlashStarMatchesResources() throws Exception {
    String all =
        "{\"operations\":[\"UPDATE\"],\"apiGroups\":[\"coordination.k8s.io\"],"
            + "\"apiVersions\":[\"v1\"],\"resources\":[\"*/*\"]}";
    assertEquals(
        List.of("leases"),
        check(hook(all, "")).stream().map(StoreWebhooks.Finding::resource).toList());
  }

  @Test
  void aSubresourceRuleDoesNotMatch() throws Exception {
    String status =
        "{\"operations\":[\"*\"],\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"],"
            + "\"resources\":[\"secrets/status\"]}";
    assertEquals(List.of(), check(hook(status, "")));
  }

  @Test
  void deleteAndConnectOnlyDoNotBlock() throws Exception {
    String delete =
        "{\"operations\":[\"DELETE\",\"CONNECT\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],"
            + "\"resources\":[\"secrets\"]}";
    assertEquals(List.of(), check(hook(delete, "")));
  }

  @Test
  void clusterScopeDoesNotMatchNamespacedObjects() throws Exception {
    String cluster =
        "{\"operations\":[\"CREATE\"],\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"],"
            + "\"resources\":[\"*\"],\"scope\":\"Cluster\"}";
    assertEquals(List.of(), check(hook(cluster, "")));
    String namespaced = cluster.replace("\"Cluster\"", "\"Namespaced\"");
    assertEquals(2, check(hook(namespaced, "")).size());
  }

  @Test
  void aNamespaceSelectorThatExcludesTheNamespaceDoesNotBlock() throws Exception {
    String excluded =
        ",\"namespaceSelector\":{\"matchExpressions\":[{\"key\":\"kubernetes.io/metadata.name\","
            + "\"operator\":\"NotIn\",\"values\":[\"eks-scheduler\"]}]}";
    assertEquals(List.of(), check(hook(SECRETS, excluded)));
  }

  @Test
  void aNamespaceSelectorThatSelectsTheNamespaceBlocks() throws Exception {
    String selected =
        ",\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"eks-scheduler\"}}";
    assertEquals(1, check(hook(SECRETS, selected)).size());
    String other = ",\"namespaceSelector\":{\"matchLabels\":{\"team\":\"shop\"}}";
    assertEquals(List.of(), check(hook(SECRETS, other)));
  }

  @Test
  void anObjectSelectorOnOtherLabelsDoesNotBlock() throws Exception {
    String other = ",\"objectSelector\":{\"matchLabels\":{\"app\":\"shop\"}}";
    assertEquals(List.of(), check(hook(SECRETS, other)));
  }

  @Test
  void anObjectSelectorOnTheStoresLabelsBlocks() throws Exception {
    String ours =
        ",\"objectSelector\":{\"matchExpressions\":[{\"key\":\"app.kubernetes.io/managed-by\","
            + "\"operator\":\"In\",\"values\":[\"eks-scheduler\"]}]}";
    assertEquals(1, check(hook(SECRETS, ours)).size());
    String absent =
        ",\"objectSelector\":{\"matchExpressions\":[{\"key\":\"app\","
            + "\"operator\":\"DoesNotExist\"}]}";
    assertEquals(1, check(hook(SECRETS, absent)).size());
  }

  @Test
  void matchConditionsCountAsMatching() throws Exception {
    String conditions = ",\"matchConditions\":[{\"name\":\"not-ours\",\"expression\":\"false\"}]";
    assertEquals(1, check(hook(SECRETS, conditions)).size());
  }

  @Test
  void anExactMatchPolicyOnAnotherVersionDoesNotMatch() throws Exception {
    String beta =
        "{\"operations\":[\"CREATE\"],\"apiGroups\":[\"coordination.k8s.io\"],"
            + "\"apiVersions\":[\"v1beta1\"],\"resources\":[\"leases\"]}";
    assertEquals(List.of(), check(hook(beta, ",\"matchPolicy\":\"Exact\"")));
    assertEquals(1, check(hook(beta, ",\"matchPolicy\":\"Equivalent\"")).size());
  }

  @Test
  void mutatingWebhooksAreCheckedTheSameWay() throws Exception {
    JsonNode config =
        JSON.readTree("{\"metadata\":{\"name\":\"m\"},\"webhooks\":[" + hook(SECRETS, "") + "]}");
    assertEquals(
        "MutatingWebhookConfiguration",
        StoreWebhooks.blocking("MutatingWebhookConfiguration", List.of(config), NS).get(0).kind());
  }
}
