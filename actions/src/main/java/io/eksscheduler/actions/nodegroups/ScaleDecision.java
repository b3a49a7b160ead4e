package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.actions.nodegroups.ScaleSurvey.Found;
import io.eksscheduler.actions.originals.OriginalsProtocol;
import io.eksscheduler.engine.spi.ActionFailure;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a stop does to each node group, decided from a {@link ScaleSurvey} without a call: which
 * groups go to zero and to what, which are at zero already, which are left out and why, and what
 * refuses the whole stop before any change. {@code plan()} renders it, {@code apply()} executes it.
 *
 * @param targets the groups the stop acts on, in the order found: managed node groups first
 * @param skipped the groups it leaves out, each with why, in the order found
 * @param refusals what refuses the stop, in the order found; the first is the error the user reads
 */
record ScaleDecision(
    List<ScaleDecision.Target> targets, List<Skip> skipped, List<String> refusals) {

  /**
   * One group the stop acts on.
   *
   * @param group the group as found
   * @param tagged the original its tag holds
   * @param atZero true when it is at zero already with its original tagged: nothing to change
   * @param original what a wake restores: the ledger's, else the tag's, else what it holds now
   * @param record whether {@code original} goes into the ledger first (the ledger lacks it)
   */
  record Target(
      Found group,
      Optional<GroupOriginal> tagged,
      boolean atZero,
      GroupOriginal original,
      boolean record) {

    /** The original recorded before this attempt: the ledger's, else the tag's. */
    Optional<GroupOriginal> recorded() {
      return group.ledgered().isPresent() ? group.ledgered() : tagged;
    }

    /** Whether the stop tags the group with its original: only when it carries none. */
    boolean tag() {
      return tagged.isEmpty();
    }

    /** The maximum size it keeps: a managed node group's must stay at least 1. */
    int max() {
      return group.managed() ? Math.max(1, group.max()) : group.max();
    }

    /** The plan's line. */
    String line() {
      if (atZero) {
        return group.id()
            + ": already at zero (original recorded by run "
            + recorded().orElseThrow().run()
            + ")";
      }
      String change =
          group.managed()
              ? "min/desired/max "
              : group.toSuspend().isEmpty()
                  ? ""
                  : "suspend " + String.join(", ", group.toSuspend()) + "; ";
      return group.id() + ": " + change + group.sizes() + " -> 0/0/" + max() + kept();
    }

    private String kept() {
      return recorded()
          .map(o -> " (original " + o.sizes() + " kept, recorded by run " + o.run() + ")")
          .orElse("");
    }
  }

  /**
   * A group the stop leaves out.
   *
   * @param group what users read: {@code asg dev-general-asg}
   * @param reason why
   */
  record Skip(String group, String reason) {}

  /** Why the stop must fail before any call, from its parameters alone; empty when it may go on. */
  static Optional<String> refusal(ScaleNodeGroups.Params params) {
    if (params.size() != null && !"zero".equals(params.size())) {
      return Optional.of("size must be zero, not " + params.size());
    }
    return Optional.empty();
  }

  static ScaleDecision decide(ScaleSurvey survey, ScaleNodeGroups.Params params) {
    Set<String> wanted = new LinkedHashSet<>(params.names());
    List<Target> targets = new ArrayList<>();
    List<Skip> skipped = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (Found g : survey.groups()) {
      if (g.ofManagedGroup()) {
        skipped.add(new Skip(g.id(), "the Auto Scaling group of a managed node group"));
        continue;
      }
      if (!params.all() && !wanted.remove(g.name())) {
        skipped.add(new Skip(g.id(), "not named in nodegroups"));
        continue;
      }
      Optional<GroupOriginal> tagged;
      try {
        tagged =
            NodeGroupSurvey.parse(
                g.tag(), (g.managed() ? "node group " : "Auto Scaling group ") + g.name());
      } catch (ActionFailure e) {
        refusals.add(e.getMessage());
        continue;
      }
      targets.add(target(g, tagged, survey.run()));
    }
    if (!wanted.isEmpty()) {
      refusals.add(
          "no managed node group or self-managed Auto Scaling group of cluster "
              + params.cluster()
              + " is named "
              + String.join(", ", wanted)
              + "; nothing was changed");
    }
    return new ScaleDecision(List.copyOf(targets), List.copyOf(skipped), List.copyOf(refusals));
  }

  /**
   * A group at zero already with a tag is left as it is, whatever the ledger holds (the protocol's
   * own leave rule would stop it again when the ledger's original differs from the tag's; a stop of
   * node groups never did). Else it goes to zero keeping the original the {@link OriginalsProtocol}
   * stop rule picks: the ledger's, else the tag's (never overwritten), else what it holds now,
   * recorded when the ledger lacks it.
   */
  private static Target target(Found g, Optional<GroupOriginal> tagged, String run) {
    if (g.atZero() && tagged.isPresent()) {
      GroupOriginal recorded = g.ledgered().orElse(tagged.get());
      return new Target(g, tagged, true, recorded, false);
    }
    if (OriginalsProtocol.decideStop(g.ledgered(), tagged, false, () -> g.current(run))
        instanceof OriginalsProtocol.Stop<GroupOriginal> stop) {
      return new Target(g, tagged, false, stop.original(), stop.record());
    }
    throw new IllegalStateException("a group not at zero is always stopped");
  }

  /** The names of the managed node groups acted on, in order. */
  List<String> managedNames() {
    return targets.stream().filter(t -> t.group().managed()).map(t -> t.group().name()).toList();
  }

  /** The names of the self-managed Auto Scaling groups acted on, in order. */
  List<String> selfManagedNames() {
    return targets.stream().filter(t -> !t.group().managed()).map(t -> t.group().name()).toList();
  }

  /** The error that refuses the stop before any change, empty when it may go on. */
  Optional<String> failure() {
    return refusals.isEmpty() ? Optional.empty() : Optional.of(refusals.get(0));
  }
}
