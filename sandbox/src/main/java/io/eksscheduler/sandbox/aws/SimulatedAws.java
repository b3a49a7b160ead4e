package io.eksscheduler.sandbox.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulator's durable document: every node group, Auto Scaling group, instance, tag and update,
 * and the identities' IAM policies, written whole to {@code aws/state.json} after each change.
 * Mutable on purpose and only ever touched under the {@link Simulator}'s lock; Jackson reads and
 * writes its public fields.
 */
public final class SimulatedAws {

  public Map<String, String> clusterTags = new TreeMap<>();
  public long clusterCreatedAt;
  public List<Group> groups = new ArrayList<>();
  public Map<String, Update> updates = new LinkedHashMap<>();

  /** {@code clientRequestToken} of UpdateNodegroupConfig → the update it created (idempotency). */
  public Map<String, String> requestTokens = new LinkedHashMap<>();

  /** Simulated eviction time before a managed node is terminated anyway (admin-adjustable). */
  public long evictionTimeoutMillis;

  /**
   * Managed nodes terminated because the eviction time ran out with pods still on them (EKS's
   * forced termination after its PodDisruptionBudget limit), since the state was created.
   */
  public int terminatedPastEvictionLimit;

  /**
   * Managed node groups whose nodes launched from now on boot from a custom AMI whose bootstrap
   * sets none of EKS's node labels ({@code eks.amazonaws.com/nodegroup} and the like): EKS adds
   * them only with its own AMIs (admin-adjustable).
   */
  public List<String> customAmiNodegroups = new ArrayList<>();

  /**
   * Identity name → its IAM policy document, set at runtime through the admin endpoint; an identity
   * without one may call everything (as the scenario's administrators do).
   */
  public Map<String, String> policies = new TreeMap<>();

  /** A node group: managed (EKS + its backing ASG) or self-managed (an ASG only). */
  public static final class Group {
    public String name;
    public boolean managed;
    public String uuid;
    public String nodegroupArn;
    public String asgName;
    public String asgArn;
    public String launchTemplateId;

    /**
     * The name of its launch template: a managed group's own one (then EKS answers no {@code
     * instanceTypes}), null when EKS made it; a self-managed group's is named as the group.
     */
    public String launchTemplateName;

    /** A self-managed group's MixedInstancesPolicy overrides, empty without such a policy. */
    public List<String> mixedInstanceTypes = new ArrayList<>();

    public int minSize;
    public int maxSize;
    public int desiredCapacity;
    public List<String> zones = new ArrayList<>();
    public Map<String, String> subnets = new LinkedHashMap<>();
    public String instanceType;
    public String capacityType;
    public Map<String, String> labels = new TreeMap<>();
    public List<Taint> taints = new ArrayList<>();
    public Map<String, String> nodegroupTags = new TreeMap<>();
    public List<AsgTag> asgTags = new ArrayList<>();
    public Map<String, String> suspendedProcesses = new TreeMap<>();
    public List<Instance> instances = new ArrayList<>();
    public long createdAt;
    public long modifiedAt;

    /** The AMI release version of a managed node group, null for the scenario's first. */
    public String releaseVersion;

    /**
     * The third octet's group part of its instances' addresses; null in a state written before
     * groups could be created (then its position in {@link SimulatedAws#groups}).
     */
    public Integer subnetIndex;

    /** CREATING or DELETING while CreateNodegroup / DeleteNodegroup run; else null. */
    public String status;

    /** When {@link #status} began (simulator clock). */
    public long statusSince;

    /** Made by CreateNodegroup: its nodes' capacity comes from the instance type table. */
    public boolean createdByApi;

    /** CreateNodegroup's {@code clientRequestToken}, if it had one. */
    public String createToken;

    /** CreateNodegroup's nodeRole, amiType, diskSize and instanceTypes (null: the scenario's). */
    public String nodeRole;

    public String amiType;
    public Integer diskSize;
    public List<String> instanceTypes;

    /**
     * Instances a VersionUpdate adds to the backing group's desired and maximum sizes while it
     * replaces the nodes (EKS's scale-up phase); 0 otherwise. EKS's scalingConfig does not show it.
     */
    public int surge;
  }

  /** A taint as the EKS API spells it: effect NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE. */
  public static final class Taint {
    public String key;
    public String value;
    public String effect;

    public Taint() {}

    public Taint(String key, String value, String effect) {
      this.key = key;
      this.value = value;
      this.effect = effect;
    }
  }

  /** An Auto Scaling group tag. */
  public static final class AsgTag {
    public String key;
    public String value;
    public boolean propagateAtLaunch;

    public AsgTag() {}

    public AsgTag(String key, String value, boolean propagateAtLaunch) {
      this.key = key;
      this.value = value;
      this.propagateAtLaunch = propagateAtLaunch;
    }
  }

  /**
   * An EC2 instance of a group. Lifecycle: Pending (launching; its Node appears at {@code
   * readyAt}), InService, Terminating (a managed node is cordoned and drained until {@code
   * terminateAt}), then removed together with its Node.
   */
  public static final class Instance {
    public String instanceId;
    public String zone;
    public String internalIp;
    public String nodeName;
    public String lifecycleState;
    public boolean protectedFromScaleIn;
    public long launchedAt;
    public long readyAt;
    public long terminateAt;

    /** Whether its node was emptied of evictable pods before {@code terminateAt}. */
    public boolean drained;
  }

  /** An EKS update of a node group: ConfigUpdate or VersionUpdate. */
  public static final class Update {
    public String id;
    public String clusterName;
    public String nodegroupName;
    public String status;
    public String type;
    public List<Map<String, String>> params = new ArrayList<>();
    public List<Map<String, Object>> errors = new ArrayList<>();
    public long createdAt;

    /** A VersionUpdate's end (simulator clock): its rolling replacement's length. */
    public long completesAt;

    /** A VersionUpdate's release version, the group's once it succeeds. */
    public String releaseVersion;

    /** A VersionUpdate's instances to replace: the group's at its start. */
    public List<String> replacing = new ArrayList<>();

    /** Their addresses, which their replacements do not take again (new node names). */
    public List<String> replacingAddresses = new ArrayList<>();

    /** How many of {@link #replacing} a VersionUpdate has started to drain. */
    public int drained;

    /** A VersionUpdate's pace: real milliseconds per node replaced, at the least. */
    public long perNodeMillis;
  }

  public static final String PENDING = "Pending";
  public static final String IN_SERVICE = "InService";
  public static final String TERMINATING = "Terminating";
}
