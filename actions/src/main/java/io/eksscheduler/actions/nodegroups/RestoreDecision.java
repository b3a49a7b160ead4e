package io.eksscheduler.actions.nodegroups;

import io.eksscheduler.actions.nodegroups.NodeGroupSurvey.Group;
import io.eksscheduler.actions.nodegroups.ScaleNodeGroups.GroupOriginal;
import io.eksscheduler.actions.originals.OriginalsProtocol;
import io.eksscheduler.actions.originals.OriginalsProtocol.Restore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a wake does to each node group, decided from a survey without reading anything: the
 * originals protocol's wake rule picks each group's original (the ledger wins over the tag, a group
 * with neither is left as is, a tag's original is recorded in the ledger before any change), and
 * {@link RestoreSizes} decides the sizes.
 *
 * @param targets the groups to restore, each with what it goes back to
 * @param notes what the plan and the log say besides the changes
 */
record RestoreDecision(List<RestoreDecision.Target> targets, List<String> notes) {

  /**
   * A group with what it goes back to.
   *
   * @param record its original is the tag's, to be recorded in the ledger before any change
   */
  record Target(Group group, GroupOriginal original, boolean record, int desired) {
    boolean done() {
      return group.min() == original.min()
          && group.desired() == desired
          && group.max() == original.max()
          && group.tagged().isEmpty()
          && toResume().isEmpty();
    }

    List<String> toResume() {
      List<String> out = new ArrayList<>();
      if (original.suspended() != null) {
        original.suspended().stream().filter(group.suspended()::contains).forEach(out::add);
      }
      return out;
    }

    String change() {
      String sizes = original.min() + "/" + desired + "/" + original.max();
      return group.id()
          + ": "
          + group.sizes()
          + " -> "
          + sizes
          + (desired != original.desired() ? " (recorded desired " + original.desired() + ")" : "")
          + (toResume().isEmpty() ? "" : "; resume " + String.join(", ", toResume()))
          + "; tag "
          + ScaleNodeGroups.TAG
          + " removed";
    }
  }

  static RestoreDecision decide(
      RestoreNodeGroups.Params params,
      List<Group> groups,
      Map<String, GroupOriginal> ledgered,
      Set<String> volumeZones) {
    List<String> notes = new ArrayList<>();
    List<Group> chosen = new ArrayList<>();
    Map<String, Restore<GroupOriginal>> originals = new LinkedHashMap<>();
    for (Group g : groups) {
      if (!params.wanted(g.name())) {
        continue;
      }
      // Whether a group is restored already depends on the sizes decided below: Target.done().
      if (!(OriginalsProtocol.decideRestore(
              Optional.ofNullable(ledgered.get(g.name())), g.tagged(), o -> false)
          instanceof Restore<GroupOriginal> restore)) {
        notes.add(g.id() + ": no original recorded (not stopped by eks-scheduler); left as is");
        continue;
      }
      chosen.add(g);
      originals.put(g.name(), restore);
    }
    List<RestoreSizes.Input> inputs = new ArrayList<>();
    for (Group g : chosen) {
      GroupOriginal o = originals.get(g.name()).original();
      inputs.add(new RestoreSizes.Input(g.name(), o.min(), o.desired(), o.max(), g.zones()));
    }
    RestoreSizes.Result sizes = RestoreSizes.decide(inputs, params.floor(), volumeZones);
    if (params.floor() > 0) {
      notes.add(
          "floor of "
              + params.floor()
              + " nodes (minNodes "
              + params.minNodes()
              + (params.recommended() == null ? "" : ", recommended " + params.recommended())
              + ")"
              + (sizes.shortBy() > 0
                  ? ": " + sizes.shortBy() + " short, every group is at its maxSize"
                  : ""));
    }
    if (!sizes.unservedZones().isEmpty()) {
      notes.add(
          "no node group serves the volumes in zone(s) "
              + String.join(", ", sizes.unservedZones()));
    }
    List<Target> targets = new ArrayList<>();
    for (Group g : chosen) {
      Restore<GroupOriginal> r = originals.get(g.name());
      targets.add(new Target(g, r.original(), r.record(), sizes.desired().get(g.name())));
    }
    return new RestoreDecision(targets, notes);
  }
}
