package io.eksscheduler.sandbox.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The EKS clusters one simulated account holds: the sandbox's own (the primary: it keeps the
 * account's IAM policies) and the clusters added to it, each a {@link Simulator} of its own
 * (config, state file, node groups, control plane). One endpoint serves them all, as one AWS
 * account's regional endpoints do.
 */
public final class Simulators {
  private final Simulator primary;
  private final List<Simulator> all;

  public Simulators(Simulator primary, List<Simulator> added) {
    this.primary = primary;
    List<Simulator> list = new ArrayList<>();
    list.add(primary);
    list.addAll(added);
    this.all = List.copyOf(list);
  }

  /** The sandbox's own cluster: its config names the endpoint, region and identities. */
  public Simulator primary() {
    return primary;
  }

  /** Every cluster, the primary first. */
  public List<Simulator> all() {
    return all;
  }

  /** The cluster named {@code name}. */
  public Optional<Simulator> byCluster(String name) {
    return all.stream().filter(s -> s.config().clusterName().equals(name)).findFirst();
  }

  /** The cluster an EKS ARN (the cluster's, or one of its node groups') belongs to. */
  public Optional<Simulator> byEksArn(String arn) {
    for (Simulator s : all) {
      SimulatorConfig c = s.config();
      String nodegroups =
          "arn:aws:eks:" + c.region() + ":" + c.accountId() + ":nodegroup/" + c.clusterName() + "/";
      if (arn.equals(c.clusterArn()) || arn.startsWith(nodegroups)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The cluster whose Auto Scaling group is named {@code asgName}. */
  public Optional<Simulator> byAsgName(String asgName) {
    return all.stream()
        .filter(s -> s.read(st -> st.groups.stream().anyMatch(g -> g.asgName.equals(asgName))))
        .findFirst();
  }
}
