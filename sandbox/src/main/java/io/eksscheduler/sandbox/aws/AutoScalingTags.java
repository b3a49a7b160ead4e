package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.aws.SimulatedAws.AsgTag;
import io.eksscheduler.sandbox.aws.SimulatedAws.Group;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Auto Scaling groups' tags: DescribeTags, CreateOrUpdateTags and DeleteTags, within the limits of
 * the API reference's Tag data type (key 1 to 128 characters, value at most 256) and of the user
 * guide's tag restrictions (at most 50 tags per group).
 */
final class AutoScalingTags {
  static final int MAX_TAGS = 50;
  static final int MAX_KEY = 128;
  static final int MAX_VALUE = 256;

  private AutoScalingTags() {}

  static String describe(SimulatedAws st, Map<String, String> form) {
    List<Predicate<Map.Entry<Group, AsgTag>>> filters = new ArrayList<>();
    for (Map<String, String> f : FormParameters.structures(form, "Filters")) {
      String name = f.getOrDefault("Name", "");
      List<String> values = FormParameters.members(f, "Values");
      switch (name) {
        case "auto-scaling-group" -> filters.add(e -> values.contains(e.getKey().asgName));
        case "key" -> filters.add(e -> values.contains(e.getValue().key));
        case "value" -> filters.add(e -> values.contains(e.getValue().value));
        case "propagate-at-launch" ->
            filters.add(e -> values.contains(Boolean.toString(e.getValue().propagateAtLaunch)));
        default ->
            throw new AwsError(400, "ValidationError", "Filter name '" + name + "' is not valid");
      }
    }
    List<Map.Entry<Group, AsgTag>> all = new ArrayList<>();
    for (Group g : st.groups) {
      for (AsgTag t : g.asgTags) {
        Map.Entry<Group, AsgTag> e = Map.entry(g, t);
        if (filters.stream().allMatch(p -> p.test(e))) {
          all.add(e);
        }
      }
    }
    AutoScalingApi.Page<Map.Entry<Group, AsgTag>> page = AutoScalingApi.Page.of(all, form, 100);
    Xml xml = new Xml().open("Tags");
    page.items().forEach(e -> AutoScalingApi.renderTag(xml, e.getKey(), e.getValue()));
    xml.close("Tags");
    page.next().ifPresent(t -> xml.element("NextToken", t));
    return xml.toString();
  }

  static String change(SimulatedAws st, Map<String, String> form, boolean create) {
    List<Map<String, String>> tags = FormParameters.structures(form, "Tags");
    if (tags.isEmpty()) {
      throw new AwsError(400, "ValidationError", "Tags must not be empty");
    }
    for (Map<String, String> t : tags) {
      if (!"auto-scaling-group".equals(t.getOrDefault("ResourceType", "auto-scaling-group"))) {
        throw new AwsError(400, "ValidationError", "ResourceType must be auto-scaling-group");
      }
      AutoScalingApi.group(st, t.get("ResourceId"));
      if (t.get("Key") == null || t.get("Key").isEmpty()) {
        throw new AwsError(400, "ValidationError", "Tag key must not be empty");
      }
      checkLength("key", t.get("Key"), MAX_KEY);
      checkLength("value", t.getOrDefault("Value", ""), MAX_VALUE);
    }
    if (create) {
      checkTagCount(st, tags);
    }
    for (Map<String, String> t : tags) {
      Group g = AutoScalingApi.group(st, t.get("ResourceId"));
      String key = t.get("Key");
      if (create) {
        // CreateOrUpdateTags overwrites an existing key silently.
        g.asgTags.removeIf(x -> x.key.equals(key));
        g.asgTags.add(
            new AsgTag(
                key,
                t.getOrDefault("Value", ""),
                Boolean.parseBoolean(t.getOrDefault("PropagateAtLaunch", "false"))));
        g.asgTags.sort(java.util.Comparator.comparing(x -> x.key));
      } else {
        g.asgTags.removeIf(
            x -> x.key.equals(key) && (t.get("Value") == null || t.get("Value").equals(x.value)));
      }
    }
    return null;
  }

  /** Key 1 to 128 characters, value at most 256 (the API reference's Tag data type). */
  private static void checkLength(String field, String value, int max) {
    if (value.length() > max) {
      throw new AwsError(
          400,
          "ValidationError",
          "1 validation error detected: Value at 'tags.member."
              + field
              + "' failed to satisfy constraint: Member must have length less than or equal to "
              + max);
    }
  }

  /**
   * At most 50 tags per group ("Tag restrictions", Amazon EC2 Auto Scaling User Guide); more is
   * LimitExceeded (400), which the API reference lists for CreateOrUpdateTags.
   */
  private static void checkTagCount(SimulatedAws st, List<Map<String, String>> tags) {
    Map<String, Set<String>> keys = new java.util.LinkedHashMap<>();
    for (Map<String, String> t : tags) {
      Group g = AutoScalingApi.group(st, t.get("ResourceId"));
      keys.computeIfAbsent(
              g.asgName,
              n -> {
                Set<String> now = new LinkedHashSet<>();
                g.asgTags.forEach(x -> now.add(x.key));
                return now;
              })
          .add(t.get("Key"));
    }
    keys.forEach(
        (name, all) -> {
          if (all.size() > MAX_TAGS) {
            throw new AwsError(
                400,
                "LimitExceeded",
                "Auto Scaling group "
                    + name
                    + " would have "
                    + all.size()
                    + " tags; at most "
                    + MAX_TAGS
                    + " are allowed");
          }
        });
  }
}
