package io.eksscheduler.actions.pausing;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ClusterObjects;
import io.eksscheduler.actions.pausing.PausedField.Original;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Pauses and resumes one field of one object at a time, as the GitOps and autoscaler actions need:
 * the original is written to the ledger first, then one merge patch sets the annotation and the
 * paused value together (guarded by the resourceVersion read), so the object is never paused
 * without its original; a resume restores the original and removes the annotation in one patch.
 */
final class Pausing {
  private static final int CONFLICT_ATTEMPTS = 5;
  private static final String LEDGER_PREFIX = "original:";

  /**
   * An object and the field a pause changes on it.
   *
   * @param object the object as read
   * @param field what a pause changes
   */
  record Target(ClusterObject object, PausedField field) {
    String id() {
      return object.id();
    }

    String ledgerKey() {
      return LEDGER_PREFIX + id();
    }

    /**
     * The original recorded on the object.
     *
     * @throws ActionFailure naming the object when its annotation cannot be read
     */
    Optional<Original> recorded() throws ActionFailure {
      try {
        return field.recorded(object);
      } catch (IllegalArgumentException e) {
        throw new ActionFailure(e.getMessage(), false);
      }
    }

    boolean isPaused() {
      return field.isPaused(object);
    }

    Target with(ClusterObject now) {
      return new Target(now, field);
    }
  }

  private Pausing() {}

  /** The plan's line for pausing {@code t}: what changes, or why nothing does. */
  static String planPause(Target t) throws ActionFailure {
    Optional<Original> recorded = t.recorded();
    if (recorded.isPresent() && t.isPaused()) {
      return t.id() + ": already paused (original recorded by run " + recorded.get().run() + ")";
    }
    String change = change(t);
    if (recorded.isPresent()) {
      return t.id()
          + ": "
          + change
          + " (original "
          + PausedField.show(recorded.get().value())
          + " kept, recorded by run "
          + recorded.get().run()
          + ")";
    }
    return t.id() + ": " + change;
  }

  private static String change(Target t) {
    if (t.field().equals(PausedField.ARGO_AUTOMATED)) {
      return "automated sync -> paused";
    }
    return t.field().key()
        + " "
        + PausedField.show(t.field().current(t.object()))
        + " -> "
        + PausedField.show(t.field().paused());
  }

  /** The plan's line for resuming {@code t}, empty when nothing was recorded on it. */
  static Optional<String> planResume(Target t) throws ActionFailure {
    Optional<Original> recorded = t.recorded();
    if (recorded.isEmpty()) {
      return Optional.empty();
    }
    String restored =
        t.field().equals(PausedField.ARGO_AUTOMATED)
            ? "automated sync " + PausedField.show(recorded.get().value()) + " restored"
            : t.field().key()
                + " "
                + PausedField.show(t.field().current(t.object()))
                + " -> "
                + PausedField.show(recorded.get().value());
    return Optional.of(
        t.id() + ": " + restored + " (recorded by run " + recorded.get().run() + ")");
  }

  /**
   * Pauses {@code t}, recording its original first; one already paused with an original is left as
   * it is, and an existing original is never overwritten.
   */
  static void pause(ActionContext ctx, ClusterObjects objects, Target found)
      throws ActionFailure, InterruptedException {
    Target t = found;
    for (int attempt = 1; ; attempt++) {
      Optional<Original> ledger = fromLedger(ctx, t);
      Optional<Original> annotated = t.recorded();
      if (t.isPaused()
          && annotated.isPresent()
          && (ledger.isEmpty() || ledger.get().equals(annotated.get()))) {
        return;
      }
      // The ledger wins over the annotation, which wins over what the object holds now.
      Original original =
          ledger.isPresent()
              ? ledger.get()
              : annotated.orElse(t.field().original(t.object(), ctx.runId()));
      boolean wrote = ledger.isEmpty();
      if (wrote) {
        ctx.ledger().put(t.ledgerKey(), t.field().toJson(original));
      }
      try {
        objects.patch(t.object(), t.field().pausePatch(t.object(), original), "pausing " + t.id());
        ctx.changed();
        return;
      } catch (ActionFailure e) {
        if (ClusterObjects.notFound(e)) {
          return; // deleted meanwhile: nothing left to pause
        }
        if (!ClusterObjects.conflict(e) || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        // Changed since it was read: what was recorded from that read may be stale.
        if (wrote) {
          ctx.ledger().remove(t.ledgerKey());
        }
        Optional<Target> now = reread(objects, t);
        if (now.isEmpty()) {
          return;
        }
        t = now.get();
      }
    }
  }

  /**
   * Restores {@code t} to its recorded original and removes the annotation; true when it was
   * restored now or by an earlier attempt of this step.
   */
  static boolean resume(ActionContext ctx, ClusterObjects objects, Target found)
      throws ActionFailure, InterruptedException {
    Target t = found;
    for (int attempt = 1; ; attempt++) {
      Optional<Original> ledger = fromLedger(ctx, t);
      Optional<Original> annotated = t.recorded();
      if (annotated.isEmpty()) {
        return ledger.isPresent(); // restored by an earlier attempt, or never paused
      }
      Original original = ledger.orElse(annotated.get());
      boolean wrote = ledger.isEmpty();
      if (wrote) {
        ctx.ledger().put(t.ledgerKey(), t.field().toJson(original));
      }
      try {
        objects.patch(
            t.object(), t.field().restorePatch(t.object(), original), "resuming " + t.id());
        ctx.changed();
        return true;
      } catch (ActionFailure e) {
        if (ClusterObjects.notFound(e)) {
          return false;
        }
        if (!ClusterObjects.conflict(e) || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        if (wrote) {
          ctx.ledger().remove(t.ledgerKey());
        }
        Optional<Target> now = reread(objects, t);
        if (now.isEmpty()) {
          return false;
        }
        t = now.get();
      }
    }
  }

  /** What this step's ledger says it restored or paused, as sorted "Kind ns/name". */
  static List<String> recordedIds(ActionContext ctx) {
    List<String> out = new ArrayList<>();
    for (String key : new TreeSet<>(ctx.ledger().keys())) {
      if (key.startsWith(LEDGER_PREFIX)) {
        out.add(key.substring(LEDGER_PREFIX.length()));
      }
    }
    return out;
  }

  private static Optional<Original> fromLedger(ActionContext ctx, Target t) throws ActionFailure {
    Optional<JsonNode> node = ctx.ledger().get(t.ledgerKey(), JsonNode.class);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(t.field().fromJson(node.get()));
    } catch (IllegalArgumentException e) {
      throw new ActionFailure(t.id() + ": the ledger's original " + e.getMessage(), false);
    }
  }

  private static Optional<Target> reread(ClusterObjects objects, Target t)
      throws ActionFailure, InterruptedException {
    ClusterObject o = t.object();
    return objects.read(o.type(), o.namespace(), o.name()).map(t::with);
  }
}
