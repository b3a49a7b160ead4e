package io.eksscheduler.sandbox.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reads a scenario: a multi-document YAML file whose first document is the {@code Scenario} header
 * (node groups, webhook Services) and whose other documents are Kubernetes manifests; the whole
 * file is a {@link Template}. Built-in names: {@code dev} (a resource) and {@code large}
 * (generated).
 */
public final class ScenarioLoader {

  public static final String API_VERSION = "sandbox.eks-scheduler.io/v1alpha1";
  public static final List<String> BUILT_IN = List.of("dev", "large", "qa", "staging");

  private ScenarioLoader() {}

  /** Loads a built-in scenario by name, or a scenario file by path. */
  public static Scenario load(String nameOrFile, ScenarioValues values) {
    if (nameOrFile.equals("large")) {
      return LargeScenario.generate(LargeScenario.DEFAULT_NODES, LargeScenario.DEFAULT_PODS);
    }
    if (List.of("dev", "qa", "staging").contains(nameOrFile)) {
      return parse(nameOrFile + ".yaml", builtIn(nameOrFile + ".yaml"), values);
    }
    Path file = Path.of(nameOrFile);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no scenario '" + nameOrFile + "': not a built-in " + BUILT_IN + " and not a file");
    }
    try {
      return parse(file.toString(), Files.readString(file), values);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses scenario {@code text} from {@code source} (for messages). */
  public static Scenario parse(String source, String text, ScenarioValues values) {
    String rendered = Template.render(source, text, values.asMap());
    List<Map<String, Object>> docs = new ArrayList<>();
    int index = 0;
    for (Object doc :
        new Load(LoadSettings.builder().setLabel(source).build()).loadAllFromString(rendered)) {
      index++;
      if (doc == null) {
        continue;
      }
      if (!(doc instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException(source + ": document " + index + " is not a mapping");
      }
      docs.add(stringKeys(map));
    }
    if (docs.isEmpty() || !"Scenario".equals(docs.get(0).get("kind"))) {
      throw new IllegalArgumentException(
          source + ": the first document must be kind: Scenario (apiVersion: " + API_VERSION + ")");
    }
    Fields header = new Fields(source, "", docs.get(0));
    String name = header.map("metadata").string("name");
    Fields spec = header.map("spec");
    List<NodeGroup> groups = new ArrayList<>();
    for (Fields g : spec.list("nodeGroups")) {
      groups.add(nodeGroup(g));
    }
    EksCluster cluster = cluster(name, spec.mapOr("cluster"));
    List<String> webhookServices = spec.stringsOr("webhookServices");
    List<String> problems = new ArrayList<>(header.problems());
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (String crd : spec.stringsOr("addOnCrds")) {
      if (AddOnCrds.NAMES.contains(crd)) {
        manifests.addAll(AddOnCrds.load(crd));
      } else {
        problems.add("addOnCrds: no upstream CRD '" + crd + "' (known: " + AddOnCrds.NAMES + ")");
      }
    }
    int own = manifests.size();
    manifests.addAll(docs.subList(1, docs.size()));
    for (int i = own; i < manifests.size(); i++) {
      Map<String, Object> m = manifests.get(i);
      Object metadata = m.get("metadata");
      if (m.get("apiVersion") == null
          || m.get("kind") == null
          || !(metadata instanceof Map<?, ?> meta)
          || meta.get("name") == null) {
        problems.add("manifest " + (i - own + 1) + " needs apiVersion, kind and metadata.name");
      }
    }
    for (String service : webhookServices) {
      if (!service.matches("[a-z0-9-]+/[a-z0-9-]+")) {
        problems.add("webhookServices: '" + service + "' must be NAMESPACE/NAME");
      }
    }
    for (NodeGroup group : groups) {
      if (group.count() < 0 || group.count() > 240) {
        problems.add("nodeGroups." + group.name() + ".count must be between 0 and 240");
      }
      if (group.minSize() < 0
          || group.minSize() > group.count()
          || group.count() > group.maxSize()
          || group.maxSize() < 1) {
        problems.add(
            "nodeGroups."
                + group.name()
                + " needs 0 <= minSize <= desiredSize <= maxSize and maxSize >= 1, got "
                + group.minSize()
                + "/"
                + group.count()
                + "/"
                + group.maxSize());
      }
      if (group.capacity().isEmpty()) {
        problems.add(
            "nodeGroups."
                + group.name()
                + ": instance type '"
                + group.instanceType()
                + "' is not in the sandbox's table "
                + InstanceTypes.names()
                + "; give capacity explicitly");
      }
      if (group.launchTemplate() && !group.managed()) {
        problems.add(
            "nodeGroups."
                + group.name()
                + ".launchTemplate is for managed groups (a self-managed group always has one)");
      }
      if (!group.mixedInstanceTypes().isEmpty()
          && (group.managed() || !group.mixedInstanceTypes().contains(group.instanceType()))) {
        problems.add(
            "nodeGroups."
                + group.name()
                + ".mixedInstanceTypes is for self-managed groups and must include its"
                + " instanceType");
      }
      if (group.zones().isEmpty()) {
        problems.add("nodeGroups." + group.name() + ".zones must name at least one zone");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid scenario " + source + ":\n  " + String.join("\n  ", problems));
    }
    return new Scenario(
        name, spec.stringOr("region", "eu-west-1"), cluster, groups, webhookServices, manifests);
  }

  private static NodeGroup nodeGroup(Fields g) {
    String instanceType = g.stringOr("instanceType", "m5.large");
    Map<String, String> typeCapacity =
        InstanceTypes.find(instanceType).map(InstanceTypes.InstanceType::capacity).orElse(Map.of());
    Map<String, String> typeAllocatable =
        InstanceTypes.find(instanceType)
            .map(InstanceTypes.InstanceType::allocatable)
            .orElse(Map.of());
    Map<String, String> capacity = g.stringMapOr("capacity", typeCapacity);
    int desired = g.has("desiredSize") ? g.integer("desiredSize") : g.integer("count");
    return new NodeGroup(
        g.string("name"),
        g.booleanOr("managed", true),
        g.integerOr("minSize", 0),
        desired,
        g.integerOr("maxSize", Math.max(desired, 1)),
        g.strings("zones"),
        instanceType,
        g.stringOr("capacityType", "ON_DEMAND"),
        capacity,
        g.stringMapOr("allocatable", g.has("capacity") ? capacity : typeAllocatable),
        g.stringMapOr("labels", Map.of()),
        g.listOr("taints").stream()
            .map(
                t ->
                    new NodeGroup.Taint(
                        t.string("key"), t.stringOr("value", ""), t.string("effect")))
            .toList(),
        g.stringMapOr("tags", Map.of()),
        g.booleanOr("launchTemplate", false),
        g.has("mixedInstanceTypes") ? g.strings("mixedInstanceTypes") : List.of());
  }

  private static EksCluster cluster(String scenarioName, Fields c) {
    EksCluster defaults = EksCluster.defaults(c.stringOr("name", scenarioName));
    List<EksCluster.IdentityMapping> identities = new ArrayList<>();
    for (Fields i : c.listOr("identities")) {
      identities.add(
          new EksCluster.IdentityMapping(
              i.string("name"), i.string("arn"), i.string("username"), i.stringsOr("groups")));
    }
    for (EksCluster.IdentityMapping i : identities) {
      if (!i.arn().matches("arn:aws:(iam|sts)::\\d{12}:(user|role|assumed-role)/.+")) {
        c.problems().add("cluster.identities: '" + i.arn() + "' is not an IAM user or role ARN");
      }
    }
    return new EksCluster(
        defaults.name(),
        c.stringOr("version", defaults.version()),
        c.stringOr("accountId", defaults.accountId()),
        c.stringMapOr("tags", Map.of()),
        identities.isEmpty() ? defaults.identities() : identities,
        c.durationOr("launchDelay", defaults.launchDelay()),
        c.durationOr("evictionTimeout", defaults.evictionTimeout()));
  }

  static String builtIn(String file) {
    String resource = "/io/eksscheduler/sandbox/scenarios/" + file;
    try (InputStream in = ScenarioLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }
}
