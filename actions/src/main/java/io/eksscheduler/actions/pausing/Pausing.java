package io.eksscheduler.actions.pausing;

import com.fasterxml.jackson.databind.JsonNode;
import io.eksscheduler.actions.kube.ClusterObject;
import io.eksscheduler.actions.kube.ClusterObjects;
import io.eksscheduler.actions.originals.Originals;
import io.eksscheduler.actions.originals.OriginalsProtocol;
import io.eksscheduler.actions.pausing.PausedField.FieldOriginal;
import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Ledger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Pauses and resumes one field of one object at a time, as the GitOps and autoscaler actions need,
 * under the {@link OriginalsProtocol}: the original is written to the ledger first, then one merge
 * patch sets the annotation and the paused value together (guarded by the resourceVersion read), so
 * the object is never paused without its original; a resume restores the original and removes the
 * annotation in one patch.
 */
final class Pausing {
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
    Optional<FieldOriginal> recorded() throws ActionFailure {
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

  /** A target with the calls that pause and resume it, as the protocol sees it. */
  private record Subject(Target target, ClusterObjects objects)
      implements OriginalsProtocol.Subject<FieldOriginal, Subject> {

    @Override
    public String ledgerKey() {
      return target.ledgerKey();
    }

    @Override
    public Optional<FieldOriginal> inLedger(Ledger ledger) throws ActionFailure {
      Optional<JsonNode> node = ledger.get(ledgerKey(), JsonNode.class);
      if (node.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(target.field().fromJson(node.get()));
      } catch (IllegalArgumentException e) {
        throw new ActionFailure(target.id() + ": the ledger's original " + e.getMessage(), false);
      }
    }

    @Override
    public Object toLedger(FieldOriginal original) {
      return target.field().toJson(original);
    }

    @Override
    public Optional<FieldOriginal> marked() throws ActionFailure {
      return target.recorded();
    }

    @Override
    public boolean stopped() {
      return target.isPaused();
    }

    @Override
    public FieldOriginal current(String run) {
      return target.field().original(target.object(), run);
    }

    /** Restored once the annotation is gone: the patch that removes it restores the field too. */
    @Override
    public boolean restored(FieldOriginal original) {
      return target.object().annotation(Originals.ANNOTATION).isEmpty();
    }

    @Override
    public void markAndStop(FieldOriginal original) throws ActionFailure, InterruptedException {
      objects.patch(
          target.object(),
          target.field().pausePatch(target.object(), original),
          "pausing " + target.id());
    }

    @Override
    public void restoreAndClear(FieldOriginal original) throws ActionFailure, InterruptedException {
      objects.patch(
          target.object(),
          target.field().restorePatch(target.object(), original),
          "resuming " + target.id());
    }

    @Override
    public Optional<Subject> reread() throws ActionFailure, InterruptedException {
      ClusterObject o = target.object();
      return objects
          .read(o.type(), o.namespace(), o.name())
          .map(now -> new Subject(target.with(now), objects));
    }

    @Override
    public boolean gone(ActionFailure e) {
      return ClusterObjects.notFound(e);
    }

    @Override
    public boolean conflict(ActionFailure e) {
      return ClusterObjects.conflict(e);
    }
  }

  private Pausing() {}

  /**
   * Pauses {@code t}, recording its original first; one already paused with an original is left as
   * it is, and an existing original is never overwritten.
   */
  static void pause(ActionContext ctx, ClusterObjects objects, Target t)
      throws ActionFailure, InterruptedException {
    OriginalsProtocol.stop(ctx, new Subject(t, objects));
  }

  /**
   * Restores {@code t} to its recorded original and removes the annotation; true when it was
   * restored now or by an earlier attempt of this step.
   */
  static boolean resume(ActionContext ctx, ClusterObjects objects, Target t)
      throws ActionFailure, InterruptedException {
    OriginalsProtocol.Outcome outcome = OriginalsProtocol.restore(ctx, new Subject(t, objects));
    return outcome == OriginalsProtocol.Outcome.CHANGED
        || outcome == OriginalsProtocol.Outcome.ALREADY;
  }

  /**
   * What a resume of {@code d} will return ({@link #recordedIds}): the objects it restores, each
   * recorded in the ledger first, and those an interrupted attempt of the step recorded already.
   */
  static List<String> resumedIds(ActionContext ctx, PauseDecision d) {
    TreeSet<String> ids = new TreeSet<>(recordedIds(ctx));
    ids.addAll(d.ids());
    return new ArrayList<>(ids);
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
}
