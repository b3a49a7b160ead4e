package io.eksscheduler.sandbox.aws;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The STS host names aws-iam-authenticator lets an EKS token name, for a cluster in a given region:
 * the global {@code sts.amazonaws.com} (commercial partition only), {@code sts.REGION.DOMAIN} and
 * {@code sts-fips.REGION.DOMAIN} in the partition's domain or its dual-stack domain.
 *
 * <p>Source, aws-iam-authenticator at commit 81b1dab: {@code pkg/token/token.go} lines 489-589
 * ({@code verifyHost}, {@code verifySTSHostnameFormat}), 793-807 ({@code getStsRegion}), 454-459
 * (the region's format) and {@code pkg/endpoints/partitions.go} lines 35-85 (each partition's
 * domain and dual-stack domain).
 */
final class StsHostNames {

  private static final String GLOBAL = "sts.amazonaws.com";
  // token.go 456-459: the region format the Go SDK v1 accepted.
  private static final Pattern REGION = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$");

  /** A partition's STS domains (partitions.go 35-85); dual-stack is empty where unsupported. */
  record Partition(String id, String domain, String dualStackDomain) {

    /**
     * The partition a region belongs to, by the region name prefixes of the AWS SDKs' {@code
     * partitions.json}; an unknown region is commercial, as the SDK's STS resolver assumes
     * (token.go 537-539).
     */
    static Partition of(String region) {
      if (region.startsWith("cn-")) {
        return new Partition("aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn");
      } else if (region.startsWith("us-gov-")) {
        return new Partition("aws-us-gov", "amazonaws.com", "api.aws");
      } else if (region.startsWith("us-isob-")) {
        return new Partition("aws-iso-b", "sc2s.sgov.gov", "");
      } else if (region.startsWith("us-isof-")) {
        return new Partition("aws-iso-f", "csp.hci.ic.gov", "");
      } else if (region.startsWith("us-iso-")) {
        return new Partition("aws-iso", "c2s.ic.gov", "");
      } else if (region.startsWith("eu-isoe-")) {
        return new Partition("aws-iso-e", "cloud.adc-e.uk", "");
      } else if (region.startsWith("eusc-")) {
        return new Partition("aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu");
      }
      return new Partition("aws", "amazonaws.com", "api.aws");
    }

    List<String> domains() {
      return dualStackDomain.isEmpty() ? List.of(domain) : List.of(domain, dualStackDomain);
    }
  }

  private final Partition partition;
  private final String region;

  /** The host names a cluster in {@code region} accepts. */
  StsHostNames(String region) {
    this.partition = Partition.of(region);
    this.region = region;
  }

  /** Why {@code host} (with its port, if any, as Go's {@code URL.Host}) is refused, else null. */
  String refusal(String host) {
    if (host == null || host.isEmpty()) {
      return "could not parse region for pre-signed URL: host is empty";
    }
    // token.go 519-523: the global endpoint, in the commercial partition only.
    if (host.equals(GLOBAL)) {
      return partition.id().equals("aws")
          ? null
          : "global endpoint unsupported in partition " + partition.id();
    }
    String[] labels = host.split("\\.", -1);
    if (labels.length < 3) {
      return "could not parse region for pre-signed URL " + host;
    }
    String hostRegion = labels[1];
    if (!REGION.matcher(hostRegion).matches()) {
      return "invalid region identifier format provided: " + hostRegion;
    }
    // token.go 530-567: one of the hosts the SDK's STS resolver gives for the host's region, FIPS
    // or not, dual-stack or not; else one of the verifier's own region's default host names.
    boolean resolved =
        Partition.of(hostRegion).domains().stream()
            .anyMatch(
                d ->
                    host.equals("sts." + hostRegion + "." + d)
                        || host.equals("sts-fips." + hostRegion + "." + d));
    if (!resolved) {
      boolean own =
          partition.domains().stream().anyMatch(d -> host.equals("sts." + region + "." + d));
      return own ? null : "unexpected hostname \"" + host + "\" in pre-signed URL";
    }
    // token.go 569-586: the host's domain is the verifier's partition's.
    String domain = String.join(".", List.of(labels).subList(2, labels.length));
    if (!partition.domains().contains(domain)) {
      return "partition {" + partition.id() + "} does not support hostname " + host;
    }
    return null;
  }
}
