package io.eksscheduler.sandbox.scenario;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small table of common EC2 instance types with what a node of that type reports: vCPUs, memory,
 * and the pod limit of the EKS AMI, which is the ENI formula of {@code eni-max-pods.txt}: ENIs ×
 * (IPv4 addresses per ENI − 1) + 2. Allocatable follows the AMI's kubelet reservations.
 */
public final class InstanceTypes {

  /** One instance type's shape. */
  public record InstanceType(String name, int vcpus, int memoryMi, int enis, int ipv4PerEni) {

    /** Pods the EKS AMI allows on one node, from the ENI formula (m5.large: 3 × 9 + 2 = 29). */
    public int maxPods() {
      return InstanceTypes.maxPods(enis, ipv4PerEni);
    }

    /** CPU the kubelet keeps: 6% of the first core, 1% of the second, 0.5% up to 4, 0.25% above. */
    public int reservedMilliCpu() {
      int reserved = 0;
      for (int core = 1; core <= vcpus; core++) {
        reserved += core == 1 ? 60 : core == 2 ? 10 : core <= 4 ? 5 : 2;
      }
      return reserved;
    }

    /** Memory the kubelet keeps (11 MiB per pod + 255 MiB) plus the 100 MiB eviction threshold. */
    public int reservedMemoryMi() {
      return 11 * maxPods() + 255 + 100;
    }

    public Map<String, String> capacity() {
      return Map.of(
          "cpu",
          Integer.toString(vcpus),
          "memory",
          memoryMi + "Mi",
          "pods",
          Integer.toString(maxPods()),
          "ephemeral-storage",
          "20959212Ki");
    }

    public Map<String, String> allocatable() {
      return Map.of(
          "cpu",
          (vcpus * 1000 - reservedMilliCpu()) + "m",
          "memory",
          (memoryMi - reservedMemoryMi()) + "Mi",
          "pods",
          Integer.toString(maxPods()),
          "ephemeral-storage",
          "18242267924");
    }
  }

  private static final Map<String, InstanceType> TYPES = new LinkedHashMap<>();

  static {
    // vCPUs, memory as the kubelet reports it, ENIs, IPv4 addresses per ENI (EC2 documentation).
    add("t3.medium", 2, 3943, 3, 6);
    add("t3.large", 2, 7975, 3, 12);
    add("t3.xlarge", 4, 15995, 4, 15);
    add("m5.large", 2, 7910, 3, 10);
    add("m5.xlarge", 4, 15896, 4, 15);
    add("m5.2xlarge", 8, 32386, 4, 15);
    add("m5.4xlarge", 16, 64671, 8, 30);
    add("c5.large", 2, 3788, 3, 10);
    add("c5.xlarge", 4, 7680, 4, 15);
    add("r5.large", 2, 15896, 3, 10);
  }

  private InstanceTypes() {}

  private static void add(String name, int vcpus, int memoryMi, int enis, int ipv4PerEni) {
    TYPES.put(name, new InstanceType(name, vcpus, memoryMi, enis, ipv4PerEni));
  }

  /** ENIs × (IPv4 per ENI − 1) + 2: the primary address of each ENI is the node's, not a pod's. */
  public static int maxPods(int enis, int ipv4PerEni) {
    return enis * (ipv4PerEni - 1) + 2;
  }

  public static Optional<InstanceType> find(String name) {
    return Optional.ofNullable(TYPES.get(name));
  }

  public static java.util.Set<String> names() {
    return TYPES.keySet();
  }
}
