package io.eksscheduler.cli.store;

import io.eksscheduler.engine.spi.Sleeper;
import io.kubernetes.client.openapi.ApiClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;

/** Opens the cluster store of a namespace, with its Leases bound to this process's fence. */
public final class ClusterStores {
  /** The namespace runs are kept in unless {@code --state kubernetes:NAMESPACE} says otherwise. */
  public static final String DEFAULT_NAMESPACE = "eks-scheduler";

  /** The default lease duration: renewed every 20 s, taken over after 60 s of silence. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

  /** How long one store request may be tried again (throttling, 5xx, no answer) in all. */
  private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(60);

  private ClusterStores() {}

  /**
   * The store in {@code namespace} of the cluster {@code client} reaches.
   *
   * @param host this machine, for the Leases' holder identity
   * @param progress where lines about waiting for a held lock, and warnings, go
   */
  public static ClusterRunStore open(
      ApiClient client,
      String namespace,
      Fence fence,
      Duration leaseDuration,
      Clock clock,
      Sleeper sleeper,
      String host,
      Consumer<String> progress) {
    KubeRest rest = new KubeRest(client, sleeper, REQUEST_DEADLINE);
    // A renewal that cannot succeed within a third of the lease is too late anyway.
    KubeRest leaseRest = new KubeRest(client, sleeper, leaseDuration.dividedBy(3).minusMillis(500));
    StoreNamespace ns = new StoreNamespace(rest, namespace);
    String identity =
        host
            + "/"
            + ProcessHandle.current().pid()
            + "/"
            + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    LeaseLocks leases =
        new LeaseLocks(leaseRest, ns, fence, leaseDuration, clock, sleeper, identity, progress);
    return new ClusterRunStore(
        rest, ns, leases, clock, ClusterRunStore.DEFAULT_RETENTION, progress);
  }
}
