package io.eksscheduler.sandbox.junit;

import io.eksscheduler.sandbox.kube.KubeClients;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * A ServiceAccount bound to cluster-admin, logged in with a token, as EKS Scheduler runs when it is
 * deployed in a cluster. Unlike {@link TestSandbox#adminClient()}'s user, which is in group {@code
 * system:masters} and so always exempt from API Priority and Fairness, this identity can be
 * throttled with {@link TestSandbox#throttleKubernetes(String)}.
 *
 * @param username the Kubernetes user name, {@code system:serviceaccount:eks-sandbox-it:NAME}
 * @param kubeconfig a kubeconfig holding the token, for kubectl or a CLI run in its own JVM
 * @param client a client authenticated as this identity
 */
public record ClusterAdminServiceAccount(String username, Path kubeconfig, ApiClient client) {

  /** The namespace of the test ServiceAccounts; it holds no workload. */
  public static final String NAMESPACE = "eks-sandbox-it";

  /** The group every ServiceAccount of {@link #NAMESPACE} is in. */
  public static final String GROUP = "system:serviceaccounts:" + NAMESPACE;

  // Longer than any test run; the API server sets no maximum in the sandbox.
  private static final long TOKEN_SECONDS = 6 * 3600;

  /**
   * Creates (or finds) ServiceAccount {@code name} in {@link #NAMESPACE}, binds it to
   * cluster-admin, and logs in with a fresh token.
   */
  static ClusterAdminServiceAccount create(Path adminKubeconfig, ApiClient admin, String name) {
    CoreV1Api core = new CoreV1Api(admin);
    try {
      ignoreConflict(
          () ->
              core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(NAMESPACE)))
                  .execute());
      ignoreConflict(
          () ->
              core.createNamespacedServiceAccount(
                      NAMESPACE, new V1ServiceAccount().metadata(new V1ObjectMeta().name(name)))
                  .execute());
      ignoreConflict(
          () ->
              new RbacAuthorizationV1Api(admin)
                  .createClusterRoleBinding(
                      new V1ClusterRoleBinding()
                          .metadata(new V1ObjectMeta().name(NAMESPACE + "-" + name))
                          .roleRef(
                              new V1RoleRef()
                                  .apiGroup("rbac.authorization.k8s.io")
                                  .kind("ClusterRole")
                                  .name("cluster-admin"))
                          .subjects(
                              List.of(
                                  new RbacV1Subject()
                                      .kind("ServiceAccount")
                                      .name(name)
                                      .namespace(NAMESPACE))))
                  .execute());
      String token =
          core.createNamespacedServiceAccountToken(
                  name,
                  NAMESPACE,
                  new AuthenticationV1TokenRequest()
                      .spec(new V1TokenRequestSpec().expirationSeconds(TOKEN_SECONDS)))
              .execute()
              .getStatus()
              .getToken();
      Path kubeconfig = adminKubeconfig.resolveSibling("it-" + name + ".kubeconfig");
      writeKubeconfig(adminKubeconfig, kubeconfig, name, token);
      return new ClusterAdminServiceAccount(
          "system:serviceaccount:" + NAMESPACE + ":" + name,
          kubeconfig,
          KubeClients.fromKubeconfig(kubeconfig));
    } catch (ApiException e) {
      throw new IllegalStateException(
          "creating ServiceAccount "
              + NAMESPACE
              + "/"
              + name
              + ": HTTP "
              + e.getCode()
              + " "
              + e.getResponseBody(),
          e);
    }
  }

  @FunctionalInterface
  private interface Creation {
    void run() throws ApiException;
  }

  private static void ignoreConflict(Creation creation) throws ApiException {
    try {
      creation.run();
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** The admin kubeconfig's server and CA, with the token instead of the client certificate. */
  private static void writeKubeconfig(Path admin, Path target, String name, String token) {
    KubeConfig source;
    try (Reader reader = Files.newBufferedReader(admin)) {
      source = KubeConfig.loadKubeConfig(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + admin + ": " + e.getMessage(), e);
    }
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("server", source.getServer());
    cluster.put("certificate-authority-data", source.getCertificateAuthorityData());
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("cluster", "eks-sandbox");
    context.put("user", name);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("apiVersion", "v1");
    root.put("kind", "Config");
    root.put("clusters", List.of(Map.of("name", "eks-sandbox", "cluster", cluster)));
    root.put("users", List.of(Map.of("name", name, "user", Map.of("token", token))));
    root.put("contexts", List.of(Map.of("name", name + "@eks-sandbox", "context", context)));
    root.put("current-context", name + "@eks-sandbox");
    String text =
        new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
            .dumpToString(root);
    try {
      Files.writeString(target, text);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
    }
  }
}
