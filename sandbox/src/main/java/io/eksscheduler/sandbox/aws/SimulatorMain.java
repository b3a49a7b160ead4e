package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.SandboxLayout;
import io.eksscheduler.sandbox.kube.KubeClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * The EKS, Auto Scaling and STS simulator, run as its own process by {@code up} so that it can be
 * killed and restarted: it reads {@code aws/config.json}, resumes from {@code aws/state.json} if
 * present, serves the AWS endpoint and drives the KWOK nodes.
 *
 * <p>Arguments: {@code --dir DIR}.
 */
public final class SimulatorMain {

  private SimulatorMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[0].equals("--dir")) {
      throw new IllegalArgumentException("usage: SimulatorMain --dir DIR");
    }
    SandboxLayout layout = new SandboxLayout(Path.of(args[1]));
    SimulatorConfig config = SimulatorConfig.read(layout.awsConfig());
    Files.createDirectories(layout.awsState().getParent());
    boolean resumed = Files.exists(layout.awsState());
    Clock clock = Clock.systemUTC();
    Simulator simulator = new Simulator(config, new StateStore(layout.awsState()), clock);
    Sessions sessions = new Sessions(clock);
    RequestVerifier verifier =
        new RequestVerifier(
            key -> config.identityByAccessKey(key).or(() -> sessions.identity(key)),
            sessions::token,
            clock);
    AwsServer server =
        new AwsServer(
            simulator, verifier, sessions, new Faults(new SecureRandom()), layout.awsRequestLog());
    NodeReconciler reconciler =
        new NodeReconciler(
            simulator,
            KubeClients.fromKubeconfig(Path.of(config.adminKubeconfig())),
            line -> System.out.println(Instant.now() + " " + line));
    Thread loop = new Thread(reconciler, "node-reconciler");
    server.start();
    loop.start();
    System.out.printf(
        "%s aws simulator ready on %s (cluster %s, %s state)%n",
        Instant.now(), config.endpointUrl(), config.clusterName(), resumed ? "resumed" : "new");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  loop.interrupt();
                  server.close();
                  stop.countDown();
                }));
    stop.await();
  }
}
