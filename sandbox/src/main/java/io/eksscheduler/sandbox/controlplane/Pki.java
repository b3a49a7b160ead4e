package io.eksscheduler.sandbox.controlplane;

import io.eksscheduler.sandbox.SandboxLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes the sandbox's certificates with the {@code openssl} command: one CA that signs the API
 * server, each component's client certificate, the restricted user's, and the webhook server's.
 *
 * <p>openssl rather than BouncyCastle: it is on every machine that builds the control plane and
 * keeps a cryptography library out of the dependency tree.
 */
public final class Pki {

  /** The password of the webhook server's PKCS#12 key store; it guards a throwaway test key. */
  public static final String WEBHOOK_KEYSTORE_PASSWORD = "eks-sandbox";

  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  /** A client identity: file stem, and the subject's common name and organisations (groups). */
  public record ClientIdentity(String file, String commonName, List<String> groups) {}

  public static final ClientIdentity ADMIN =
      new ClientIdentity("admin", "eks-sandbox-admin", List.of("system:masters"));
  public static final ClientIdentity CONTROLLER_MANAGER =
      new ClientIdentity("kube-controller-manager", "system:kube-controller-manager", List.of());
  public static final ClientIdentity SCHEDULER =
      new ClientIdentity("kube-scheduler", "system:kube-scheduler", List.of());
  public static final ClientIdentity KWOK =
      new ClientIdentity("kwok", "eks-sandbox-kwok", List.of("system:masters"));
  public static final ClientIdentity RESTRICTED =
      new ClientIdentity("alice", "alice", List.of("dev"));

  private final SandboxLayout layout;

  public Pki(SandboxLayout layout) {
    this.layout = layout;
  }

  /**
   * Creates every key and certificate; {@code webhookDnsNames} are the {@code
   * SERVICE.NAMESPACE.svc} names the API server will expect when it calls the webhook server.
   */
  public void create(List<String> webhookDnsNames) {
    Path dir = layout.pki();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + dir + ": " + e.getMessage(), e);
    }
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "3650",
        "-subj",
        "/CN=eks-sandbox-ca");
    List<Runnable> jobs = new ArrayList<>();
    jobs.add(
        () ->
            signed(
                "apiserver",
                "/CN=kube-apiserver",
                "subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
                    + "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,"
                    + "IP:127.0.0.1,IP:10.100.0.1\nextendedKeyUsage=serverAuth\n"));
    for (ClientIdentity id : List.of(ADMIN, CONTROLLER_MANAGER, SCHEDULER, KWOK, RESTRICTED)) {
      jobs.add(() -> signed(id.file(), subject(id), "extendedKeyUsage=clientAuth\n"));
    }
    jobs.add(() -> webhook(webhookDnsNames));
    jobs.add(
        () -> {
          openssl("genrsa", "-out", "sa.key", "2048");
          openssl("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
        });
    runAll(jobs);
  }

  static String subject(ClientIdentity id) {
    StringBuilder subject = new StringBuilder();
    for (String group : id.groups()) {
      subject.append("/O=").append(group);
    }
    return subject.append("/CN=").append(id.commonName()).toString();
  }

  private void webhook(List<String> dnsNames) {
    StringBuilder san = new StringBuilder("subjectAltName=IP:127.0.0.1");
    for (String name : dnsNames) {
      san.append(",DNS:").append(name);
    }
    signed("webhook", "/CN=eks-sandbox-webhook", san + "\nextendedKeyUsage=serverAuth\n");
    openssl(
        "pkcs12",
        "-export",
        "-in",
        "webhook.crt",
        "-inkey",
        "webhook.key",
        "-name",
        "webhook",
        "-out",
        "webhook.p12",
        "-passout",
        "pass:" + WEBHOOK_KEYSTORE_PASSWORD);
  }

  private void signed(String stem, String subject, String extensions) {
    try {
      Files.writeString(layout.pki(stem + ".ext"), extensions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        stem + ".key",
        "-out",
        stem + ".csr",
        "-subj",
        subject);
    // A serial per certificate: -CAcreateserial shares ca.srl, a race when signing in parallel.
    openssl(
        "x509",
        "-req",
        "-in",
        stem + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "0x" + Long.toHexString(System.nanoTime()) + Integer.toHexString(stem.hashCode() & 0xffff),
        "-days",
        "3650",
        "-out",
        stem + ".crt",
        "-extfile",
        stem + ".ext");
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    CommandRunner.runChecked(command, layout.pki(), OPENSSL_TIMEOUT);
  }

  private static void runAll(List<Runnable> jobs) {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable job : jobs) {
        futures.add(pool.submit(job));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("creating certificates: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating certificates", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
