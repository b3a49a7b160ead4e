package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the admission webhooks that would refuse the store's writes while the cluster sleeps: with
 * the nodes at zero nothing serves a webhook, and one whose {@code failurePolicy} is {@code Fail}
 * (the default) and whose rules match the store's Secrets or Leases in its namespace (operations
 * CREATE or UPDATE, {@code *} included; scope; {@code namespaceSelector}; {@code objectSelector};
 * validating and mutating alike) would refuse every write of the morning's wake. A webhook's {@code
 * matchConditions} (CEL) are not evaluated: they count as matching.
 */
public final class StoreWebhooks {
  /** A kind of object the store writes. */
  private record Written(String group, String resource, Map<String, String> labels) {}

  private static final Set<String> ANY_VALUE = Set.of(StoreNames.RUN, StoreNames.LOCK);

  private static final List<Written> WRITTEN =
      List.of(
          new Written("", "secrets", labels("head")),
          new Written("", "secrets", labels("chunk")),
          new Written("", "secrets", labels("part")),
          new Written(
              "coordination.k8s.io",
              "leases",
              Map.of(StoreNames.MANAGED_BY, StoreNames.MANAGER, StoreNames.LOCK, "")),
          new Written(
              "coordination.k8s.io",
              "leases",
              Map.of(StoreNames.MANAGED_BY, StoreNames.MANAGER, StoreNames.RUN, "")));

  private static Map<String, String> labels(String part) {
    return Map.of(
        StoreNames.MANAGED_BY, StoreNames.MANAGER, StoreNames.PART, part, StoreNames.RUN, "");
  }

  /**
   * One webhook that would refuse the store's writes.
   *
   * @param kind {@code ValidatingWebhookConfiguration} or {@code MutatingWebhookConfiguration}
   * @param configuration the configuration's name
   * @param webhook the webhook's name in it
   * @param resource what it matches: {@code secrets} or {@code leases}
   */
  public record Finding(String kind, String configuration, String webhook, String resource) {
    @Override
    public String toString() {
      return kind
          + " "
          + configuration
          + ", webhook "
          + webhook
          + " (failurePolicy Fail) matches "
          + resource;
    }
  }

  private StoreWebhooks() {}

  /**
   * The webhooks of {@code configurations} (items of a webhook configuration list of {@code kind})
   * that would refuse a write of the store in a namespace labelled {@code namespaceLabels}.
   */
  public static List<Finding> blocking(
      String kind, List<JsonNode> configurations, Map<String, String> namespaceLabels) {
    List<Finding> out = new ArrayList<>();
    for (JsonNode config : configurations) {
      String name = config.path("metadata").path("name").asText();
      for (JsonNode hook : config.path("webhooks")) {
        if ("Ignore".equals(hook.path("failurePolicy").asText("Fail"))) {
          continue;
        }
        if (!LabelSelectors.mayMatch(hook.get("namespaceSelector"), namespaceLabels, Set.of())) {
          continue;
        }
        boolean exact = "Exact".equals(hook.path("matchPolicy").asText("Equivalent"));
        for (String resource : List.of("secrets", "leases")) {
          boolean matched = false;
          for (Written w : WRITTEN) {
            matched |=
                w.resource().equals(resource)
                    && rulesMatch(hook.path("rules"), w, exact)
                    && LabelSelectors.mayMatch(hook.get("objectSelector"), w.labels(), ANY_VALUE);
          }
          if (matched) {
            out.add(new Finding(kind, name, hook.path("name").asText(), resource));
          }
        }
      }
    }
    return out;
  }

  private static boolean rulesMatch(JsonNode rules, Written w, boolean exact) {
    for (JsonNode rule : rules) {
      if (contains(rule.path("operations"), "CREATE", "UPDATE", "*")
          && contains(rule.path("apiGroups"), w.group(), "*")
          && (!exact || contains(rule.path("apiVersions"), "v1", "*"))
          && contains(rule.path("resources"), w.resource(), "*", "*/*")
          && !"Cluster".equals(rule.path("scope").asText("*"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(JsonNode list, String... any) {
    for (JsonNode v : list) {
      for (String a : any) {
        if (a.equals(v.asText())) {
          return true;
        }
      }
    }
    return false;
  }
}
