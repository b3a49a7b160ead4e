package io.eksscheduler.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eksscheduler.sandbox.Wait;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Watches, while a stop runs, every pod, Deployment, StatefulSet and Node of the cluster (all
 * namespaces, every event kept and counted), to judge afterwards whether PodDisruptionBudgets were
 * honoured: no workload had fewer Ready pods than its budget requires before it was put to sleep
 * (its {@code spec.replicas} set to 0). A pod counts as Ready as the disruption controller counts
 * it: condition Ready true and not being deleted; what a budget requires is computed from the
 * workload's replicas at that moment, as the disruption controller does (percentages rounded up).
 *
 * <p>The streams are replayed in the order of their resourceVersions: the sandbox's API server
 * keeps every kind in one etcd, whose revision orders all writes, so an event of a pod and one of
 * its Deployment are ordered as they happened.
 */
final class BudgetWatch implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PODS = "/api/v1/pods";
  private static final String DEPLOYMENTS = "/apis/apps/v1/deployments";
  private static final String STATEFULSETS = "/apis/apps/v1/statefulsets";
  private static final String NODES = "/api/v1/nodes";
  private static final List<String> WATCHED = List.of(PODS, DEPLOYMENTS, STATEFULSETS, NODES);

  /** One event of one stream, with the etcd revision it happened at. */
  private record Change(String resource, String type, long revision, JsonNode object) {}

  private final KubeJson kube;
  private final OkHttpClient http;
  private final List<JsonNode> budgets;
  private final Map<String, List<JsonNode>> initial = new LinkedHashMap<>();
  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final Map<String, Call> calls = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  private BudgetWatch(KubeJson kube) {
    this.kube = kube;
    this.http =
        kube.client()
            .getHttpClient()
            .newBuilder()
            .readTimeout(Duration.ZERO)
            .callTimeout(Duration.ZERO)
            .build();
    this.budgets = kube.items("/apis/policy/v1/poddisruptionbudgets");
  }

  /** Lists what it watches, then watches it from there until {@link #close()}. */
  static BudgetWatch start(KubeJson kube) {
    BudgetWatch w = new BudgetWatch(kube);
    for (String resource : WATCHED) {
      JsonNode list = kube.list(resource);
      List<JsonNode> items = new ArrayList<>();
      list.path("items").forEach(items::add);
      w.initial.put(resource, items);
      String from = list.path("metadata").path("resourceVersion").asText();
      Thread t = new Thread(() -> w.watch(resource, from), "budget-watch " + resource);
      t.setDaemon(true);
      w.threads.add(t);
      t.start();
    }
    return w;
  }

  private void watch(String resource, String from) {
    String revision = from;
    while (!closed) {
      Request request =
          new Request.Builder()
              .url(
                  kube.client().getBasePath()
                      + resource
                      + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=900&resourceVersion="
                      + revision)
              .get()
              .build();
      Call call = http.newCall(request);
      calls.put(resource, call);
      if (closed) {
        return;
      }
      try (Response response = call.execute()) {
        if (response.code() != 200) {
          failures.add(resource + ": watch answered HTTP " + response.code());
          return;
        }
        BufferedReader in = new BufferedReader(response.body().charStream());
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          JsonNode event = JSON.readTree(line);
          String type = event.path("type").asText();
          JsonNode object = event.path("object");
          if ("ERROR".equals(type)) {
            failures.add(resource + ": the watch failed, events may be lost: " + object);
            return;
          }
          revision = object.path("metadata").path("resourceVersion").asText();
          if ("BOOKMARK".equals(type)) {
            continue;
          }
          counts.merge(resource + " " + type, 1, Integer::sum);
          changes.add(new Change(resource, type, Long.parseLong(revision), object));
        }
      } catch (IOException e) {
        if (closed) {
          return;
        }
        // The connection dropped: watch again from the last revision seen, losing nothing.
      }
    }
  }

  /**
   * Waits until the pods as the watch replays them are the pods a fresh list returns (same pods,
   * same resourceVersions): the watch has delivered everything that happened up to now.
   */
  void awaitCaughtUp(Duration timeout) {
    Wait.until(
        "the pod watch to catch up with the API server",
        timeout,
        Duration.ofMillis(500),
        () -> {
          Map<String, String> listed = new TreeMap<>();
          kube.items(PODS).forEach(p -> listed.put(uid(p), revisionOf(p)));
          Map<String, String> replayed = new TreeMap<>();
          replay().pods.values().forEach(p -> replayed.put(uid(p), revisionOf(p)));
          return listed.equals(replayed)
              ? Optional.empty()
              : Optional.of("listed " + listed.size() + " pods, replayed " + replayed.size());
        });
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    calls.values().forEach(Call::cancel);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  /** How many events each stream delivered, by "resource TYPE". */
  Map<String, Integer> counts() {
    return new TreeMap<>(counts);
  }

  /** Watches that failed (events may have been lost), empty when none did. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * Every moment a Deployment or StatefulSet in {@code namespaces} had fewer Ready pods than one of
   * its budgets requires, before it was put to sleep; empty when budgets were always honoured.
   */
  List<String> violations(Set<String> namespaces) {
    List<String> out = new ArrayList<>();
    State s = new State();
    s.load(initial);
    Set<String> slept = new TreeSet<>();
    s.workloads.forEach((id, w) -> note(slept, id, w));
    check(s, namespaces, slept, "at the start of the watch", out);
    for (Change c : ordered()) {
      s.apply(c);
      if (c.resource().equals(PODS)
          || c.resource().equals(DEPLOYMENTS)
          || c.resource().equals(STATEFULSETS)) {
        if (!c.resource().equals(PODS)) {
          note(slept, workloadId(c.resource(), c.object()), c.object());
        }
        String ns = c.object().path("metadata").path("namespace").asText();
        if (namespaces.contains(ns)) {
          check(
              s,
              Set.of(ns),
              slept,
              "at revision "
                  + c.revision()
                  + " ("
                  + c.type()
                  + " "
                  + ns
                  + "/"
                  + c.object().path("metadata").path("name").asText()
                  + ")",
              out);
        }
      }
    }
    return out;
  }

  /**
   * The pods ("ns/name") that were on {@code nodes} when the last of them was cordoned: neither
   * DaemonSet nor static pods, not being deleted. A drain cordons every node before it evicts, so
   * these are the pods it had to deal with.
   */
  Set<String> podsWhenAllCordoned(Collection<String> nodes) {
    State s = new State();
    s.load(initial);
    for (Change c : ordered()) {
      s.apply(c);
      if (c.resource().equals(NODES) && allCordoned(s, nodes)) {
        Set<String> out = new TreeSet<>();
        for (JsonNode p : s.pods.values()) {
          JsonNode meta = p.path("metadata");
          boolean daemon = false;
          for (JsonNode owner : meta.path("ownerReferences")) {
            daemon |= "DaemonSet".equals(owner.path("kind").asText());
          }
          if (nodes.contains(p.path("spec").path("nodeName").asText())
              && !daemon
              && !meta.path("annotations").has("kubernetes.io/config.mirror")
              && !meta.has("deletionTimestamp")) {
            out.add(meta.path("namespace").asText() + "/" + meta.path("name").asText());
          }
        }
        return out;
      }
    }
    throw new AssertionError("the watch never saw all of " + nodes + " cordoned");
  }

  private static boolean allCordoned(State s, Collection<String> nodes) {
    for (String n : nodes) {
      JsonNode node = s.nodes.get(n);
      if (node != null && !node.path("spec").path("unschedulable").asBoolean(false)) {
        return false;
      }
    }
    return true;
  }

  private List<Change> ordered() {
    List<Change> out = new ArrayList<>(changes);
    out.sort(Comparator.comparingLong(Change::revision));
    return out;
  }

  private State replay() {
    State s = new State();
    s.load(initial);
    ordered().forEach(s::apply);
    return s;
  }

  /** Remembers a workload once it has 0 replicas: it was put to sleep. */
  private static void note(Set<String> slept, String id, JsonNode w) {
    if (w.path("spec").path("replicas").asInt(1) == 0) {
      slept.add(id);
    }
  }

  private void check(
      State s, Set<String> namespaces, Set<String> slept, String when, List<String> out) {
    for (JsonNode budget : budgets) {
      String ns = budget.path("metadata").path("namespace").asText();
      if (!namespaces.contains(ns)) {
        continue;
      }
      JsonNode selector = budget.path("spec").path("selector");
      for (Map.Entry<String, JsonNode> w : s.workloads.entrySet()) {
        JsonNode workload = w.getValue();
        if (!ns.equals(workload.path("metadata").path("namespace").asText())
            || slept.contains(w.getKey())
            || !matches(
                selector, workload.path("spec").path("template").path("metadata").path("labels"))) {
          continue;
        }
        int replicas = workload.path("spec").path("replicas").asInt(1);
        int required = required(budget.path("spec"), replicas);
        int ready = 0;
        for (JsonNode pod : s.pods.values()) {
          JsonNode meta = pod.path("metadata");
          if (ns.equals(meta.path("namespace").asText())
              && matches(selector, meta.path("labels"))
              && !meta.has("deletionTimestamp")
              && ready(pod)) {
            ready++;
          }
        }
        if (ready < required) {
          out.add(
              w.getKey()
                  + " had "
                  + ready
                  + " Ready pods, PodDisruptionBudget "
                  + ns
                  + "/"
                  + budget.path("metadata").path("name").asText()
                  + " requires "
                  + required
                  + " of "
                  + replicas
                  + ", "
                  + when);
        }
      }
    }
  }

  /** The Ready pods a budget requires of a workload with {@code replicas}. */
  static int required(JsonNode spec, int replicas) {
    if (spec.has("minAvailable")) {
      return Math.max(0, scaled(spec.get("minAvailable"), replicas));
    }
    if (spec.has("maxUnavailable")) {
      return Math.max(0, replicas - scaled(spec.get("maxUnavailable"), replicas));
    }
    return 0;
  }

  private static int scaled(JsonNode value, int replicas) {
    if (value.isInt()) {
      return value.asInt();
    }
    String text = value.asText();
    int percent = Integer.parseInt(text.substring(0, text.length() - 1));
    return (int) Math.ceil(percent * replicas / 100.0);
  }

  private static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  /** Whether {@code labels} match a label selector (matchLabels and matchExpressions). */
  static boolean matches(JsonNode selector, JsonNode labels) {
    for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      Set<String> values = new TreeSet<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.has(key);
      String value = labels.path(key).asText();
      boolean ok =
          switch (expr.path("operator").asText()) {
            case "In" -> has && values.contains(value);
            case "NotIn" -> !has || !values.contains(value);
            case "Exists" -> has;
            case "DoesNotExist" -> !has;
            default -> throw new IllegalArgumentException("selector operator " + expr);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String workloadId(String resource, JsonNode o) {
    String kind = resource.equals(DEPLOYMENTS) ? "Deployment" : "StatefulSet";
    JsonNode meta = o.path("metadata");
    return kind + " " + meta.path("namespace").asText() + "/" + meta.path("name").asText();
  }

  private static String uid(JsonNode o) {
    return o.path("metadata").path("uid").asText();
  }

  private static String revisionOf(JsonNode o) {
    return o.path("metadata").path("resourceVersion").asText();
  }

  /** The cluster as the replay has it so far. */
  private static final class State {
    final Map<String, JsonNode> pods = new HashMap<>();
    final Map<String, JsonNode> workloads = new TreeMap<>();
    final Map<String, JsonNode> nodes = new HashMap<>();

    void load(Map<String, List<JsonNode>> initial) {
      initial.forEach((resource, items) -> items.forEach(o -> put(resource, "ADDED", o)));
    }

    void apply(Change c) {
      put(c.resource(), c.type(), c.object());
    }

    private void put(String resource, String type, JsonNode o) {
      Map<String, JsonNode> into;
      String key;
      if (resource.equals(PODS)) {
        into = pods;
        key = uid(o);
      } else if (resource.equals(NODES)) {
        into = nodes;
        key = o.path("metadata").path("name").asText();
      } else {
        into = workloads;
        key = workloadId(resource, o);
      }
      if ("DELETED".equals(type)) {
        into.remove(key);
      } else {
        into.put(key, o);
      }
    }
  }
}
