package io.eksscheduler.actions.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * What a node of a common EC2 instance type can hold, as the EKS AMI's kubelet reports it: the pod
 * limit of the ENI formula (ENIs × (IPv4 addresses per ENI − 1) + 2), CPU less the kubelet's
 * reservation (6% of the first core, 1% of the second, 0.5% up to 4, 0.25% above) and memory less
 * 11 MiB per pod + 255 MiB and the 100 MiB eviction threshold. Types not in the table are reported
 * by the bootstrap check as unknown rather than guessed.
 */
final class InstanceShapes {

  /** Allocatable capacity of one node. */
  record Shape(long milliCpu, long memoryMi, int pods) {}

  private record Ec2(int vcpus, int memoryMi, int enis, int ipv4PerEni) {}

  // vCPUs, memory as the kubelet reports it, ENIs, IPv4 addresses per ENI (EC2 documentation).
  private static final Map<String, Ec2> TYPES =
      Map.ofEntries(
          Map.entry("t3.medium", new Ec2(2, 3943, 3, 6)),
          Map.entry("t3.large", new Ec2(2, 7975, 3, 12)),
          Map.entry("t3.xlarge", new Ec2(4, 15995, 4, 15)),
          Map.entry("m5.large", new Ec2(2, 7910, 3, 10)),
          Map.entry("m5.xlarge", new Ec2(4, 15896, 4, 15)),
          Map.entry("m5.2xlarge", new Ec2(8, 32386, 4, 15)),
          Map.entry("m5.4xlarge", new Ec2(16, 64671, 8, 30)),
          Map.entry("c5.large", new Ec2(2, 3788, 3, 10)),
          Map.entry("c5.xlarge", new Ec2(4, 7680, 4, 15)),
          Map.entry("r5.large", new Ec2(2, 15896, 3, 10)));

  private InstanceShapes() {}

  static Optional<Shape> of(String instanceType) {
    Ec2 t = instanceType == null ? null : TYPES.get(instanceType);
    if (t == null) {
      return Optional.empty();
    }
    int pods = t.enis() * (t.ipv4PerEni() - 1) + 2;
    long reservedCpu = 0;
    for (int core = 1; core <= t.vcpus(); core++) {
      reservedCpu += core == 1 ? 60 : core == 2 ? 10 : core <= 4 ? 5 : 2;
    }
    long reservedMemory = 11L * pods + 255 + 100;
    return Optional.of(
        new Shape(t.vcpus() * 1000L - reservedCpu, t.memoryMi() - reservedMemory, pods));
  }
}
