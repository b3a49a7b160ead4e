package io.eksscheduler.sandbox.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes a kubeconfig with the CA and the client certificate embedded, so it keeps working when
 * copied elsewhere and any client (kubectl, client-java, KWOK) reads it the same way.
 */
public final class Kubeconfig {

  private Kubeconfig() {}

  /** Renders a kubeconfig for {@code user} whose key pair is {@code pki/<stem>.{crt,key}}. */
  public static String render(String server, Path pkiDir, String stem, String user) {
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("server", server);
    cluster.put("certificate-authority-data", base64(pkiDir.resolve("ca.crt")));
    Map<String, Object> credentials = new LinkedHashMap<>();
    credentials.put("client-certificate-data", base64(pkiDir.resolve(stem + ".crt")));
    credentials.put("client-key-data", base64(pkiDir.resolve(stem + ".key")));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("cluster", "eks-sandbox");
    context.put("user", user);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("apiVersion", "v1");
    root.put("kind", "Config");
    root.put("clusters", List.of(Map.of("name", "eks-sandbox", "cluster", cluster)));
    root.put("users", List.of(Map.of("name", user, "user", credentials)));
    root.put("contexts", List.of(Map.of("name", user + "@eks-sandbox", "context", context)));
    root.put("current-context", user + "@eks-sandbox");
    root.put("preferences", Map.of());
    DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
    return new Dump(settings).dumpToString(root);
  }

  /** Writes the kubeconfig readable by its owner only: it holds a private key. */
  public static void write(Path target, String server, Path pkiDir, String stem, String user) {
    try {
      Files.createDirectories(target.getParent());
      Files.writeString(target, render(server, pkiDir, stem, user));
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
    }
  }

  private static String base64(Path file) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }
}
