package io.eksscheduler.cli.fleet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fleet file: which clusters sleep when.
 *
 * @param file the file as the user named it
 * @param name its metadata.name
 * @param schedules the named schedules, in file order
 * @param clusters the clusters, in file order
 * @param webhookUrlFrom where the notification webhook's URL comes from, if notifications are on
 * @param pricing how savings are estimated
 */
public record Fleet(
    Path file,
    String name,
    Map<String, Schedule> schedules,
    List<Cluster> clusters,
    Optional<UrlSource> webhookUrlFrom,
    Pricing pricing) {

  /** The Price List API's Region when the file names none. */
  public static final String DEFAULT_PRICING_REGION = "us-east-1";

  /**
   * How {@code fleet status} prices a node-hour.
   *
   * @param apiRegion the Region of the Price List API endpoint
   * @param prices USD per node-hour by instance type, instead of list prices
   */
  public record Pricing(String apiRegion, Map<String, java.math.BigDecimal> prices) {
    public Pricing {
      prices = Map.copyOf(prices);
    }
  }

  /**
   * One cluster of the fleet.
   *
   * @param name the EKS cluster's name
   * @param region its AWS Region
   * @param roleArn a role to assume for it, if any
   * @param schedule its schedule (named or its own)
   * @param minNodes passed to start, if set
   * @param stopPlaybook its own stop playbook (resolved against the fleet file), if any
   * @param startPlaybook its own start playbook, if any
   * @param force stop it even without the opt-in tag
   */
  public record Cluster(
      String name,
      String region,
      Optional<String> roleArn,
      Schedule schedule,
      Optional<Integer> minNodes,
      Optional<Path> stopPlaybook,
      Optional<Path> startPlaybook,
      boolean force) {}

  /**
   * Where a credential comes from: an environment variable or a key of a Secret.
   *
   * @param env the variable, or empty
   * @param secretName the Secret, or empty
   * @param secretKey its key, or empty
   */
  public record UrlSource(
      Optional<String> env, Optional<String> secretName, Optional<String> secretKey) {}

  /** The cluster named {@code name}, if the fleet has it. */
  public Optional<Cluster> cluster(String name) {
    return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
