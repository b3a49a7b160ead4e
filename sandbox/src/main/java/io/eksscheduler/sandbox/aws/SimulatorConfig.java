package io.eksscheduler.sandbox.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eksscheduler.sandbox.scenario.EksCluster;
import io.eksscheduler.sandbox.scenario.NodeGroup;
import io.eksscheduler.sandbox.scenario.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code up} gives the AWS simulator process in {@code aws/config.json}: its port, the
 * cluster's name, endpoint and CA, the node groups as the scenario declares them, the delays and
 * speed, and the IAM identities with their generated access keys (the file is readable by its owner
 * only).
 */
public record SimulatorConfig(
    int port,
    String region,
    String scenario,
    String clusterName,
    String clusterVersion,
    String accountId,
    Map<String, String> clusterTags,
    String apiServerEndpoint,
    String certificateAuthority,
    String adminKubeconfig,
    double speed,
    long launchDelayMillis,
    long evictionTimeoutMillis,
    List<NodeGroup> nodeGroups,
    List<AwsIdentity> identities) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public SimulatorConfig {
    clusterTags = Map.copyOf(clusterTags);
    nodeGroups = List.copyOf(nodeGroups);
    identities = List.copyOf(identities);
  }

  /** A configuration for {@code scenario} with a fresh access key pair per identity. */
  public static SimulatorConfig create(
      Scenario scenario,
      int port,
      String apiServerEndpoint,
      String caBase64,
      Path adminKubeconfig,
      double speed) {
    SecureRandom random = new SecureRandom();
    EksCluster cluster = scenario.cluster();
    List<AwsIdentity> identities = new ArrayList<>();
    for (EksCluster.IdentityMapping m : cluster.identities()) {
      identities.add(
          new AwsIdentity(
              m.name(),
              m.arn(),
              (m.arn().contains(":role/") ? "AROA" : "AIDA") + randomUpper(random, 17),
              "AKIA" + randomUpper(random, 16),
              randomSecret(random),
              m.username(),
              m.groups()));
    }
    return new SimulatorConfig(
        port,
        scenario.region(),
        scenario.name(),
        cluster.name(),
        cluster.version(),
        cluster.accountId(),
        cluster.tags(),
        apiServerEndpoint,
        caBase64,
        adminKubeconfig.toString(),
        speed,
        cluster.launchDelay().toMillis(),
        cluster.evictionTimeout().toMillis(),
        scenario.nodeGroups(),
        identities);
  }

  /** This configuration with the account's {@code identities} (and their keys) instead. */
  public SimulatorConfig withIdentities(List<AwsIdentity> others) {
    return new SimulatorConfig(
        port,
        region,
        scenario,
        clusterName,
        clusterVersion,
        accountId,
        clusterTags,
        apiServerEndpoint,
        certificateAuthority,
        adminKubeconfig,
        speed,
        launchDelayMillis,
        evictionTimeoutMillis,
        nodeGroups,
        others);
  }

  public String endpointUrl() {
    return "http://127.0.0.1:" + port;
  }

  public String clusterArn() {
    return "arn:aws:eks:" + region + ":" + accountId + ":cluster/" + clusterName;
  }

  /**
   * The user whose long-term access key this is. A role has none in IAM: only the sessions {@code
   * AssumeRole} issues act as it (its generated key pair is never accepted).
   */
  public Optional<AwsIdentity> identityByAccessKey(String accessKeyId) {
    return identities.stream()
        .filter(i -> !isRole(i) && i.accessKeyId().equals(accessKeyId))
        .findFirst();
  }

  /** Whether {@code identity} is an IAM role ({@code arn:aws:iam::ACCOUNT:role/NAME}). */
  static boolean isRole(AwsIdentity identity) {
    return identity.arn().contains(":role/");
  }

  public AwsIdentity identity(String name) {
    return identities.stream()
        .filter(i -> i.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no IAM identity '"
                        + name
                        + "' in the scenario; known: "
                        + identities.stream().map(AwsIdentity::name).toList()));
  }

  /** A simulated delay in real milliseconds at this sandbox's speed. */
  public long scaled(long simulatedMillis) {
    return (long) Math.floor(simulatedMillis / speed);
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, JSON.writeValueAsBytes(this));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
    }
  }

  public static SimulatorConfig read(Path file) {
    try {
      return JSON.readValue(file.toFile(), SimulatorConfig.class);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }

  private static String randomUpper(SecureRandom random, int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static String randomSecret(SecureRandom random) {
    byte[] bytes = new byte[30];
    random.nextBytes(bytes);
    return java.util.Base64.getEncoder().encodeToString(bytes).replace('+', 'A').replace('/', 'B');
  }

  /** Never prints the identities' secret keys. */
  @Override
  public String toString() {
    return "SimulatorConfig[" + clusterName + " on port " + port + "]";
  }
}
