package io.eksscheduler.actions.pausing;

import io.eksscheduler.actions.pausing.PausedField.FieldOriginal;
import io.eksscheduler.actions.pausing.Pausing.Target;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what a pause or a resume does with the objects found, before anything changes: which are
 * paused (or resumed), which are paused already, and which are skipped and why. A pure function of
 * the objects as read; {@code plan()} renders it and {@code apply()} acts on it.
 *
 * @param selected the objects the step's scope keeps, in the order found: a resume looks at each
 *     again, as one without an original may have been restored by an earlier attempt
 * @param entries the objects acted on, in the order found
 * @param skipped the objects found and left alone, each with why
 */
record PauseDecision(List<Target> selected, List<Entry> entries, List<Skipped> skipped) {

  /** What happens to one object. */
  enum Verdict {
    /** Its field is set to the paused value, its original recorded first. */
    PAUSE,
    /** Paused already, with its original recorded: left as it is. */
    ALREADY_PAUSED,
    /** Its recorded original is restored and the annotation removed. */
    RESUME
  }

  /**
   * One object acted on.
   *
   * @param target the object and its field
   * @param verdict what happens to it
   * @param recorded the original recorded on it, if any
   */
  record Entry(Target target, Verdict verdict, Optional<FieldOriginal> recorded) {

    /**
     * True when the step leaves the object's field as it is: paused already with its original
     * recorded, or holding the paused value already (only its original gets recorded).
     */
    boolean unchanged() {
      return verdict == Verdict.ALREADY_PAUSED
          || (verdict == Verdict.PAUSE && recorded.isEmpty() && target.isPaused());
    }

    /** The plan's line: what changes, or why nothing does. */
    String line() {
      Target t = target;
      if (verdict == Verdict.PAUSE && recorded.isEmpty() && t.isPaused()) {
        String now = PausedField.show(t.field().current(t.object()));
        return t.id()
            + ": "
            + t.field().key()
            + " already "
            + now
            + ", kept ("
            + now
            + " recorded as its original)";
      }
      return switch (verdict) {
        case ALREADY_PAUSED ->
            t.id() + ": already paused (original recorded by run " + recorded.get().run() + ")";
        case PAUSE ->
            recorded.isPresent()
                ? t.id()
                    + ": "
                    + change(t)
                    + " (original "
                    + PausedField.show(recorded.get().value())
                    + " kept, recorded by run "
                    + recorded.get().run()
                    + ")"
                : t.id() + ": " + change(t);
        case RESUME ->
            t.id()
                + ": "
                + restored(t, recorded.get())
                + " (recorded by run "
                + recorded.get().run()
                + ")";
      };
    }
  }

  /**
   * One object left alone.
   *
   * @param id what users read: {@code NodePool default}
   * @param why the reason
   */
  record Skipped(String id, String why) {}

  /** Why a step leaves one object it found alone, empty when it acts on it. */
  @FunctionalInterface
  interface Selection {
    Optional<String> skip(Target t) throws ActionFailure;
  }

  /**
   * What a pause does with {@code found}: each object {@code selection} keeps is paused, or left as
   * it is when already paused with its original.
   *
   * @throws ActionFailure naming the first object whose annotation cannot be read: no change then
   */
  static PauseDecision pause(List<Target> found, Selection selection) throws ActionFailure {
    List<Skipped> skipped = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    List<Target> selected = select(found, selection, skipped);
    for (Target t : selected) {
      Optional<FieldOriginal> recorded = t.recorded();
      boolean already = recorded.isPresent() && t.isPaused();
      entries.add(new Entry(t, already ? Verdict.ALREADY_PAUSED : Verdict.PAUSE, recorded));
    }
    return new PauseDecision(selected, List.copyOf(entries), List.copyOf(skipped));
  }

  /**
   * What a resume does with {@code found}: each object {@code selection} keeps with an original
   * recorded on it is restored; one without is skipped (not paused by eks-scheduler, or restored
   * already).
   *
   * @throws ActionFailure naming the first object whose annotation cannot be read: no change then
   */
  static PauseDecision resume(List<Target> found, Selection selection) throws ActionFailure {
    List<Skipped> skipped = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    List<Target> selected = select(found, selection, skipped);
    for (Target t : selected) {
      Optional<FieldOriginal> recorded = t.recorded();
      if (recorded.isEmpty()) {
        skipped.add(
            new Skipped(
                t.id(), "no original recorded on it (not paused by eks-scheduler, or resumed)"));
      } else {
        entries.add(new Entry(t, Verdict.RESUME, recorded));
      }
    }
    return new PauseDecision(selected, List.copyOf(entries), List.copyOf(skipped));
  }

  /** The plan's lines, one per object acted on. */
  List<String> lines() {
    return entries.stream().map(Entry::line).toList();
  }

  /** The lines of what changes. */
  List<String> changes() {
    return entries.stream().filter(e -> !e.unchanged()).map(Entry::line).toList();
  }

  /** The lines of what the step leaves as it is. */
  List<String> unchanged() {
    return entries.stream().filter(Entry::unchanged).map(Entry::line).toList();
  }

  /** The ids of the objects acted on, as "Kind ns/name". */
  List<String> ids() {
    return entries.stream().map(e -> e.target().id()).toList();
  }

  /**
   * The objects {@code selection} keeps, then each one's annotation read, so that an unreadable one
   * fails the step before any change.
   */
  private static List<Target> select(List<Target> found, Selection selection, List<Skipped> skipped)
      throws ActionFailure {
    List<Target> kept = new ArrayList<>();
    for (Target t : found) {
      Optional<String> why = selection.skip(t);
      if (why.isPresent()) {
        skipped.add(new Skipped(t.id(), why.get()));
      } else {
        kept.add(t);
      }
    }
    for (Target t : kept) {
      t.recorded();
    }
    return List.copyOf(kept);
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

  private static String restored(Target t, FieldOriginal recorded) {
    return t.field().equals(PausedField.ARGO_AUTOMATED)
        ? "automated sync " + PausedField.show(recorded.value()) + " restored"
        : t.field().key()
            + " "
            + PausedField.show(t.field().current(t.object()))
            + " -> "
            + PausedField.show(recorded.value());
  }
}
