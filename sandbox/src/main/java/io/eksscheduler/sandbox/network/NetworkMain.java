package io.eksscheduler.sandbox.network;

import io.eksscheduler.sandbox.SandboxLayout;
import io.eksscheduler.sandbox.controlplane.Pki;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The sandbox's simulated network, run as its own process so it outlives {@code up}: the admission
 * webhook server and the CONNECT proxy that stands for the VPC.
 *
 * <p>Arguments: {@code --dir DIR --webhook-port P --proxy-socket FILE --allow-port P...}.
 */
public final class NetworkMain {

  private NetworkMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = null;
    int webhookPort = -1;
    Path proxySocket = null;
    java.util.List<Integer> allowed = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--webhook-port" -> webhookPort = Integer.parseInt(args[i + 1]);
        case "--proxy-socket" -> proxySocket = Path.of(args[i + 1]);
        case "--allow-port" -> allowed.add(Integer.parseInt(args[i + 1]));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dir == null || webhookPort < 0 || proxySocket == null) {
      throw new IllegalArgumentException(
          "usage: NetworkMain --dir DIR --webhook-port P --proxy-socket FILE [--allow-port P]...");
    }
    SandboxLayout layout = new SandboxLayout(dir);
    allowed.add(webhookPort);
    WebhookServer webhook =
        new WebhookServer(
            webhookPort, layout.pki("webhook.p12"), Pki.WEBHOOK_KEYSTORE_PASSWORD.toCharArray());
    ServingAddresses endpoints =
        new ServingAddresses(
            io.eksscheduler.sandbox.kube.KubeClients.fromKubeconfig(layout.adminKubeconfig()));
    // The webhook port is open only towards addresses its Service lists; the others (KWOK's
    // kubelet port) are open towards any node.
    Set<Integer> alwaysOpen = new java.util.HashSet<>(allowed);
    alwaysOpen.remove(webhookPort);
    ConnectProxy proxy =
        new ConnectProxy(proxySocket, Set.copyOf(allowed), alwaysOpen, endpoints::serving);
    webhook.start();
    proxy.serve();
    System.out.printf(
        "network ready: webhook https://127.0.0.1:%d, VPC proxy on %s, ports %s%n",
        webhookPort, proxySocket, allowed);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  webhook.close();
                  try {
                    proxy.close();
                  } catch (java.io.IOException e) {
                    System.out.println("closing proxy: " + e.getMessage());
                  }
                  stop.countDown();
                }));
    stop.await();
  }
}
