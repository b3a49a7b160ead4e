package io.eksscheduler.actions.originals;

import io.eksscheduler.engine.spi.ActionContext;
import io.eksscheduler.engine.spi.ActionFailure;
import io.eksscheduler.engine.spi.Ledger;
import io.kubernetes.client.openapi.ApiException;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keeps what a stop changed restorable, the same way for every kind of object: a stop records the
 * original in the step's ledger first, then marks the object with it and changes it in one request
 * guarded by what was read, and never overwrites an original already recorded; the ledger wins over
 * the mark (the mark may be gone after a crash between a request and the next step); a wake
 * restores the original and clears the mark in one request. Each feature says how through a {@link
 * Subject}; {@link #decideStop} and {@link #decideRestore} are the rules, pure.
 */
public final class OriginalsProtocol {
  static final int CONFLICT_ATTEMPTS = 5;

  /**
   * One object a stop changes and a wake restores, as read, with the means to change it.
   *
   * @param <O> its original, as recorded in the ledger and in its mark
   * @param <S> the subject itself, as read again after a conflict
   */
  public interface Subject<O, S extends Subject<O, S>> {

    /** The key of its original in the step's ledger: {@code original:Deployment shop/api}. */
    String ledgerKey();

    /**
     * The original this step's ledger holds for it.
     *
     * @throws ActionFailure naming it when the ledger's value cannot be read
     */
    Optional<O> inLedger(Ledger ledger) throws ActionFailure;

    /** The ledger's value for {@code original}. */
    Object toLedger(O original);

    /**
     * The original marked on the object itself (its annotation or tag), empty when unmarked.
     *
     * @throws ActionFailure naming it when the mark cannot be read
     */
    Optional<O> marked() throws ActionFailure;

    /** True when it already holds the stopped value: no replicas, suspended, paused. */
    boolean stopped();

    /** What it holds now, as the original {@code run} would record. */
    O current(String run);

    /** True when it holds {@code original} again and carries no mark: nothing left to restore. */
    boolean restored(O original);

    /** Marks it with {@code original} and stops it, in one request guarded by what was read. */
    void markAndStop(O original) throws ActionFailure, InterruptedException;

    /** Sets {@code original} back and removes the mark, in one request. */
    void restoreAndClear(O original) throws ActionFailure, InterruptedException;

    /** It as it is now, empty when it is gone. */
    Optional<S> reread() throws ActionFailure, InterruptedException;

    /** True when {@code e} says it is gone (the Kubernetes API's 404). */
    default boolean gone(ActionFailure e) {
      return e.getCause() instanceof ApiException api && api.getCode() == 404;
    }

    /** True when {@code e} says it changed since it was read (the Kubernetes API's 409). */
    default boolean conflict(ActionFailure e) {
      return e.getCause() instanceof ApiException api && api.getCode() == 409;
    }
  }

  /** What a stop or a wake did with one subject. */
  public enum Outcome {
    /** Changed now. */
    CHANGED,
    /** Already stopped, or already restored, by an earlier attempt or run. */
    ALREADY,
    /** Gone before it could be changed: nothing left to do. */
    GONE,
    /** No original recorded anywhere: not stopped by this product, so not a wake's to touch. */
    NOT_RECORDED
  }

  /** What a stop does with one subject. */
  public sealed interface StopStep<O> {
    /** The original it goes back to on a wake. */
    O original();
  }

  /** Already stopped and marked with an original the ledger agrees with: nothing to do. */
  public record Leave<O>(O original) implements StopStep<O> {}

  /** Record {@code original} in the ledger first when {@code record}, then mark and stop. */
  public record Stop<O>(O original, boolean record) implements StopStep<O> {}

  /** What a wake does with one subject. */
  public sealed interface RestoreStep<O> {}

  /** Nothing recorded in the ledger nor on the object. */
  public record NotRecorded<O>() implements RestoreStep<O> {}

  /** It holds {@code original} again and no mark: restored already. */
  public record Restored<O>(O original) implements RestoreStep<O> {}

  /** Record {@code original} in the ledger first when {@code record}, then restore and clear. */
  public record Restore<O>(O original, boolean record) implements RestoreStep<O> {}

  private OriginalsProtocol() {}

  /**
   * The stop's rule: leave an object already stopped with its original marked (unless the ledger
   * says otherwise); else the ledger's original, else the marked one (never overwritten), else what
   * runs now, recorded in the ledger when it is not there yet.
   */
  public static <O> StopStep<O> decideStop(
      Optional<O> ledger, Optional<O> marked, boolean stopped, Supplier<O> current) {
    if (stopped && marked.isPresent() && (ledger.isEmpty() || ledger.get().equals(marked.get()))) {
      return new Leave<>(marked.get());
    }
    // The ledger wins over the mark, which wins over what runs now.
    O original = ledger.isPresent() ? ledger.get() : marked.orElseGet(current);
    return new Stop<>(original, ledger.isEmpty());
  }

  /**
   * The wake's rule: the ledger's original, else the marked one; nothing when neither; restored
   * already when {@code restored} says so; else restored, recorded in the ledger first when it is
   * not there yet.
   */
  public static <O> RestoreStep<O> decideRestore(
      Optional<O> ledger, Optional<O> marked, Predicate<O> restored) {
    Optional<O> original = ledger.isPresent() ? ledger : marked;
    if (original.isEmpty()) {
      return new NotRecorded<>();
    }
    if (restored.test(original.get())) {
      return new Restored<>(original.get());
    }
    return new Restore<>(original.get(), ledger.isEmpty());
  }

  /**
   * Stops {@code found} under the stop's rule; on a conflict, forgets what this attempt recorded,
   * reads it again and starts over, up to {@value #CONFLICT_ATTEMPTS} times.
   */
  public static <O, S extends Subject<O, S>> Outcome stop(ActionContext ctx, S found)
      throws ActionFailure, InterruptedException {
    S s = found;
    for (int attempt = 1; ; attempt++) {
      S now = s;
      StopStep<O> step =
          decideStop(
              now.inLedger(ctx.ledger()),
              now.marked(),
              now.stopped(),
              () -> now.current(ctx.runId()));
      if (!(step instanceof Stop<O> stop)) {
        return Outcome.ALREADY;
      }
      if (stop.record()) {
        ctx.ledger().put(s.ledgerKey(), s.toLedger(stop.original()));
      }
      try {
        s.markAndStop(stop.original());
        ctx.changed();
        return Outcome.CHANGED;
      } catch (ActionFailure e) {
        Optional<S> again = retry(ctx, s, e, stop.record(), attempt);
        if (again.isEmpty()) {
          return Outcome.GONE;
        }
        s = again.get();
      }
    }
  }

  /**
   * Restores {@code found} under the wake's rule; on a conflict, forgets what this attempt
   * recorded, reads it again and starts over, up to {@value #CONFLICT_ATTEMPTS} times.
   */
  public static <O, S extends Subject<O, S>> Outcome restore(ActionContext ctx, S found)
      throws ActionFailure, InterruptedException {
    S s = found;
    for (int attempt = 1; ; attempt++) {
      RestoreStep<O> step = decideRestore(s.inLedger(ctx.ledger()), s.marked(), s::restored);
      if (step instanceof NotRecorded<O>) {
        return Outcome.NOT_RECORDED;
      }
      if (!(step instanceof Restore<O> restore)) {
        return Outcome.ALREADY;
      }
      if (restore.record()) {
        ctx.ledger().put(s.ledgerKey(), s.toLedger(restore.original()));
      }
      try {
        s.restoreAndClear(restore.original());
        ctx.changed();
        return Outcome.CHANGED;
      } catch (ActionFailure e) {
        Optional<S> again = retry(ctx, s, e, restore.record(), attempt);
        if (again.isEmpty()) {
          return Outcome.GONE;
        }
        s = again.get();
      }
    }
  }

  /** Records {@code original} for {@code s} in the ledger unless the ledger holds one already. */
  public static <O> void record(Ledger ledger, Subject<O, ?> s, O original) throws ActionFailure {
    if (s.inLedger(ledger).isEmpty()) {
      ledger.put(s.ledgerKey(), s.toLedger(original));
    }
  }

  /**
   * After {@code e}: empty when {@code s} is gone, {@code s} as read again after a conflict, else
   * {@code e} rethrown.
   */
  private static <O, S extends Subject<O, S>> Optional<S> retry(
      ActionContext ctx, S s, ActionFailure e, boolean recorded, int attempt)
      throws ActionFailure, InterruptedException {
    if (s.gone(e)) {
      return Optional.empty(); // deleted meanwhile: nothing left to change
    }
    if (!s.conflict(e) || attempt == CONFLICT_ATTEMPTS) {
      throw e;
    }
    // Changed since it was read: what was recorded from that read may be stale.
    if (recorded) {
      ctx.ledger().remove(s.ledgerKey());
    }
    return s.reread();
  }
}
