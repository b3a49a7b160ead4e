package io.eksscheduler.sandbox.junit;

import io.eksscheduler.sandbox.Wait;
import io.eksscheduler.sandbox.controlplane.Pki;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tight API Priority and Fairness for one user or group, so that the real kube-apiserver answers
 * 429 to part of its requests, as a busy EKS control plane does: a PriorityLevelConfiguration with
 * the smallest share of the server's seats, nothing lent or borrowed, and no queue (a request that
 * finds every seat taken is rejected at once), and a FlowSchema sending the subject's requests
 * there. {@link #close()} deletes both.
 *
 * <p>With the sandbox's kube-apiserver flags the level gets one seat: two requests of the subject
 * at the same time and one of them is answered 429 (with {@code Retry-After: 1}). Users in group
 * {@code system:masters} cannot be throttled: the mandatory FlowSchema {@code exempt} matches them
 * first, and no other FlowSchema may share its matchingPrecedence 1.
 */
public final class KubernetesThrottle implements AutoCloseable {

  private static final String GROUP = "flowcontrol.apiserver.k8s.io";
  private static final String VERSION = "v1";
  private static final String MASTERS = "system:masters";
  // Before every suggested FlowSchema (the lowest is 100); only exempt (1) and probes (2) come
  // first.
  private static final int PRECEDENCE = 10;
  private static final Duration EFFECTIVE = Duration.ofSeconds(30);

  private final CustomObjectsApi api;
  private final String name;

  private KubernetesThrottle(CustomObjectsApi api, String name) {
    this.api = api;
    this.name = name;
  }

  /** Throttles the requests of {@code user}. */
  static KubernetesThrottle forUser(ApiClient admin, String user) {
    if (user.equals(Pki.ADMIN.commonName()) || user.equals(Pki.KWOK.commonName())) {
      throw new IllegalArgumentException(
          "user "
              + user
              + " is in group "
              + MASTERS
              + ", which API Priority and Fairness always exempts; throttle a"
              + " TestSandbox.clusterAdminServiceAccount instead");
    }
    return create(admin, "user-" + user, Map.of("kind", "User", "user", Map.of("name", user)));
  }

  /** Throttles the requests of every member of {@code group}, together. */
  static KubernetesThrottle forGroup(ApiClient admin, String group) {
    if (group.equals(MASTERS)) {
      throw new IllegalArgumentException(
          MASTERS + " is always exempt from API Priority and Fairness; it cannot be throttled");
    }
    return create(admin, "group-" + group, Map.of("kind", "Group", "group", Map.of("name", group)));
  }

  /** The name of the PriorityLevelConfiguration and of the FlowSchema. */
  public String name() {
    return name;
  }

  private static KubernetesThrottle create(
      ApiClient admin, String subjectName, Map<String, Object> subject) {
    KubernetesThrottle throttle =
        new KubernetesThrottle(
            new CustomObjectsApi(admin), "eks-sandbox-throttle-" + dns(subjectName));
    try {
      throttle.createObjects(subject);
      throttle.awaitEffective();
      return throttle;
    } catch (RuntimeException e) {
      throttle.close();
      throw e;
    }
  }

  private void createObjects(Map<String, Object> subject) {
    Map<String, Object> level =
        Map.of(
            "apiVersion",
            GROUP + "/" + VERSION,
            "kind",
            "PriorityLevelConfiguration",
            "metadata",
            Map.of("name", name),
            "spec",
            Map.of(
                "type",
                "Limited",
                "limited",
                Map.of(
                    // The smallest share: ceil(server seats * 1 / sum of all shares) seats.
                    "nominalConcurrencyShares",
                    1,
                    "lendablePercent",
                    0,
                    // Unset means unlimited borrowing from the idle levels: no throttling at all.
                    "borrowingLimitPercent",
                    0,
                    "limitResponse",
                    Map.of("type", "Reject"))));
    Map<String, Object> schema =
        Map.of(
            "apiVersion",
            GROUP + "/" + VERSION,
            "kind",
            "FlowSchema",
            "metadata",
            Map.of("name", name),
            "spec",
            Map.of(
                "priorityLevelConfiguration",
                Map.of("name", name),
                "matchingPrecedence",
                PRECEDENCE,
                "distinguisherMethod",
                Map.of("type", "ByUser"),
                "rules",
                List.of(
                    Map.of(
                        "subjects",
                        List.of(subject),
                        "resourceRules",
                        List.of(
                            Map.of(
                                "verbs",
                                List.of("*"),
                                "apiGroups",
                                List.of("*"),
                                "resources",
                                List.of("*"),
                                "clusterScope",
                                true,
                                "namespaces",
                                List.of("*"))),
                        "nonResourceRules",
                        List.of(Map.of("verbs", List.of("*"), "nonResourceURLs", List.of("*")))))));
    try {
      api.createClusterCustomObject(GROUP, VERSION, "prioritylevelconfigurations", level).execute();
      api.createClusterCustomObject(GROUP, VERSION, "flowschemas", schema).execute();
    } catch (ApiException e) {
      throw new IllegalStateException(
          "creating throttle " + name + ": HTTP " + e.getCode() + " " + e.getResponseBody(), e);
    }
  }

  /**
   * Waits until the API server's APF controller has taken the FlowSchema in: it then writes the
   * schema's Dangling condition, after installing the new configuration.
   */
  private void awaitEffective() {
    Wait.until(
        "FlowSchema " + name + " to be taken in by the API server",
        EFFECTIVE,
        Duration.ofMillis(100),
        () -> {
          try {
            Object found =
                api.getClusterCustomObject(GROUP, VERSION, "flowschemas", name).execute();
            return danglingFalse(found)
                ? Optional.empty()
                : Optional.of("no Dangling=False condition yet");
          } catch (ApiException e) {
            return Optional.of("HTTP " + e.getCode());
          }
        });
  }

  private static boolean danglingFalse(Object flowSchema) {
    if (!(flowSchema instanceof Map<?, ?> fs) || !(fs.get("status") instanceof Map<?, ?> status)) {
      return false;
    }
    if (!(status.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream()
        .anyMatch(
            c ->
                c instanceof Map<?, ?> m
                    && "Dangling".equals(m.get("type"))
                    && "False".equals(m.get("status")));
  }

  /** Deletes the FlowSchema, then the priority level; either already gone is fine. */
  @Override
  public void close() {
    for (String plural : List.of("flowschemas", "prioritylevelconfigurations")) {
      try {
        api.deleteClusterCustomObject(GROUP, VERSION, plural, name).execute();
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          throw new IllegalStateException(
              "deleting " + plural + " " + name + ": HTTP " + e.getCode(), e);
        }
      }
    }
  }

  private static String dns(String text) {
    String lower = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    String trimmed = lower.replaceAll("^-+|-+$", "");
    return trimmed.length() > 200 ? trimmed.substring(0, 200) : trimmed;
  }
}
