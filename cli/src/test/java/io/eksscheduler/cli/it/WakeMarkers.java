package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.sandbox.junit.TestSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every {@code eks-scheduler.io/} annotation, label and tag there is, wherever it is: on any object
 * of any resource the API server lists (found through discovery, so objects the tool never meant to
 * mark, such as the ReplicaSets a Deployment controller copies annotations to, are seen too), and
 * on the EKS cluster, its node groups and every Auto Scaling group. A wake must leave exactly those
 * that were there before the stop (the user's own, such as {@code eks-scheduler.io/depends-on}).
 */
final class WakeMarkers {
  /** Lists left out: events only report, and no one marks them. */
  private static final Set<String> SKIPPED = Set.of("events", "events.events.k8s.io");

  private WakeMarkers() {}

  /** One line per marker: "ReplicaSet shop/api-1234 annotation eks-scheduler.io/original=...". */
  static Set<String> everywhere(TestSandbox sandbox) {
    KubeJson kube = new KubeJson(sandbox.adminClient());
    Set<String> out = new TreeSet<>();
    for (String list : listablePaths(kube)) {
      for (JsonNode o : kube.items(list)) {
        if (WakeSnapshot.inRunStore(o)) {
          continue; // the run store's objects carry the tool's labels by design
        }
        String id =
            list.substring(list.lastIndexOf('/') + 1)
                + " "
                + (o.path("metadata").has("namespace")
                    ? o.path("metadata").path("namespace").asText() + "/"
                    : "")
                + o.path("metadata").path("name").asText();
        marks(id + " annotation ", o.path("metadata").path("annotations"), out);
        marks(id + " label ", o.path("metadata").path("labels"), out);
      }
    }
    WakeSnapshot.capture(sandbox).awsTags().forEach((id, tags) -> marks(id + " tag ", tags, out));
    return out;
  }

  /** The markers that hold an original, which no finished wake may leave. */
  static List<String> originals(Set<String> markers) {
    List<String> out = new ArrayList<>();
    for (String m : markers) {
      if (m.contains(" " + ClusterSnapshot.ORIGINAL + "=")) {
        out.add(m);
      }
    }
    return out;
  }

  private static void marks(String prefix, JsonNode map, Set<String> out) {
    map.fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith(WakeSnapshot.TOOL_PREFIX)) {
                out.add(prefix + e.getKey() + "=" + e.getValue().asText());
              }
            });
  }

  /** The list path of every resource the API server serves with verb list, preferred versions. */
  private static List<String> listablePaths(KubeJson kube) {
    List<String> out = new ArrayList<>();
    addListable(kube, "/api/v1", "", out);
    for (JsonNode group : kube.get("/apis").orElseThrow().path("groups")) {
      String version = group.path("preferredVersion").path("groupVersion").asText();
      addListable(kube, "/apis/" + version, "." + group.path("name").asText(), out);
    }
    return out;
  }

  private static void addListable(KubeJson kube, String base, String group, List<String> out) {
    for (JsonNode r : kube.get(base).orElseThrow().path("resources")) {
      String name = r.path("name").asText();
      boolean listable = false;
      for (JsonNode verb : r.path("verbs")) {
        listable |= "list".equals(verb.asText());
      }
      if (listable && !name.contains("/") && !SKIPPED.contains(name + group)) {
        out.add(base + "/" + name);
      }
    }
  }
}
