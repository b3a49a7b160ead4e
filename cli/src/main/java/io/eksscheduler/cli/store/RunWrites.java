package io.eksscheduler.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.state.RunExistsException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes of a run's Secrets and what their answers mean: a head created or patched only where
 * this process last saw it (a conflict otherwise, unless the write that conflicts is this one's own
 * whose answer was lost), immutable chunks and parts that may exist already with the same content.
 */
final class RunWrites {
  private final KubeRest rest;
  private final RunObjects objects;
  private final String namespace;
  private final SecureRandom random = new SecureRandom();

  RunWrites(KubeRest rest, RunObjects objects, String namespace) {
    this.rest = rest;
    this.objects = objects;
    this.namespace = namespace;
  }

  /**
   * Creates {@code head} of run {@code runId} holding {@code records}; returns its resourceVersion.
   *
   * @throws RunExistsException when the run exists (and is not this very write, retried)
   */
  String createHead(String runId, ObjectNode head, Map<String, byte[]> records, String where)
      throws IOException {
    KubeRest.Answer created = rest.post(objects.collection(), head);
    if (created.code() == 409) {
      JsonNode existing = objects.byName(StoreNames.run(runId));
      if (created.retried() && existing != null && RunSecrets.sameData(existing, records)) {
        created = new KubeRest.Answer(200, existing, true);
      } else {
        throw new RunExistsException(runId, where);
      }
    }
    if (!created.ok()) {
      throw RunObjects.failure("creating run " + runId, created);
    }
    return created.resourceVersion();
  }

  /**
   * Sends {@code patch} of the head of {@code w}, which adds {@code adds} and drops {@code sealed};
   * returns the head's new resourceVersion.
   *
   * @throws RunConflictException when another runner wrote the head since this one last did
   */
  String patchHead(RunHead w, ObjectNode patch, Map<String, byte[]> adds, List<String> sealed)
      throws IOException {
    KubeRest.Answer answer = rest.mergePatch(path(w.runId), patch);
    if (answer.ok()) {
      return answer.resourceVersion();
    }
    if (answer.code() == 409
        && answer.retried()
        && RunSecrets.landed(objects.byName(StoreNames.run(w.runId)), adds, sealed)) {
      return objects
          .byName(StoreNames.run(w.runId))
          .path("metadata")
          .path("resourceVersion")
          .asText();
    }
    if (answer.code() == 409) {
      throw new RunConflictException(
          "run "
              + w.runId
              + " was written by another runner since this one last wrote it (its head "
              + StoreNames.run(w.runId)
              + " is no longer at resourceVersion "
              + w.resourceVersion
              + "); this runner stops writing it");
    }
    throw RunObjects.failure("writing run " + w.runId, answer);
  }

  private String path(String runId) {
    return objects.collection() + "/" + StoreNames.run(runId);
  }

  /**
   * {@code records} as they go into the head: each one larger than half the head's budget written
   * first as parts of its own, and replaced by a marker naming them.
   */
  Map<String, byte[]> fitted(String runId, Map<String, byte[]> records) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      if (r.getValue().length <= ClusterRunStore.HEAD_BUDGET / 2) {
        out.put(r.getKey(), r.getValue());
        continue;
      }
      byte[] bytes = r.getValue();
      String nonce = HexFormat.of().formatHex(random.generateSeed(3));
      List<String> names = new ArrayList<>();
      int max = ClusterRunStore.PART_MAX;
      for (int i = 0, from = 0; from < bytes.length; i++, from += max) {
        String name = StoreNames.part(runId, r.getKey(), nonce, i);
        createImmutable(
            RunSecrets.part(
                namespace,
                runId,
                name,
                Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + max))),
            name);
        names.add(name);
      }
      out.put("x." + r.getKey(), RunSecrets.marker(names, bytes.length));
    }
    return out;
  }

  /** Moves the head's records into a chunk of their own (the head drops them in its next write). */
  void seal(RunHead w) throws IOException {
    String name = RunSecrets.chunkName(w.runId, w.tail.keySet());
    createImmutable(RunSecrets.chunk(namespace, w.runId, name, w.tail), name);
  }

  private void createImmutable(ObjectNode object, String name) throws IOException {
    KubeRest.Answer created = rest.post(objects.collection(), object);
    if (created.ok()) {
      return;
    }
    if (created.code() == 409) {
      // Written before: by this process (an answer lost), or by a runner that wrote the same
      // records; its content decides.
      JsonNode existing = objects.byName(name);
      if (existing != null && existing.path("data").equals(object.path("data"))) {
        return;
      }
      throw new IOException("the store object " + name + " exists with other content");
    }
    throw RunObjects.failure("writing " + name, created);
  }
}
