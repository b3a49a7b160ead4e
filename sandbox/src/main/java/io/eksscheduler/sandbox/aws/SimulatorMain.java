package io.eksscheduler.sandbox.aws;

import io.eksscheduler.sandbox.SandboxLayout;
import io.eksscheduler.sandbox.kube.KubeClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    // Clusters added to the account (Sandbox.addCluster): a config and a state file each.
    List<Simulator> added = new ArrayList<>();
    for (String name : SandboxLayout.addedClusters(layout)) {
      SimulatorConfig c = SimulatorConfig.read(layout.awsClusterConfig(name));
      added.add(new Simulator(c, new StateStore(layout.awsClusterState(name)), clock));
    }
    Simulators simulators = new Simulators(simulator, added);
    Sessions sessions = new Sessions(clock);
    RequestVerifier verifier =
        new RequestVerifier(
            key -> config.identityByAccessKey(key).or(() -> sessions.identity(key)),
            sessions::token,
            clock);
    AwsServer server =
        new AwsServer(
            simulators, verifier, sessions, new Faults(new SecureRandom()), layout.awsRequestLog());
    List<Thread> loops = new ArrayList<>();
    for (Simulator s : simulators.all()) {
      String name = s.config().clusterName();
      NodeReconciler reconciler =
          new NodeReconciler(
              s,
              KubeClients.fromKubeconfig(Path.of(s.config().adminKubeconfig())),
              line ->
                  System.out.println(
                      Instant.now() + (s == simulator ? " " : " [" + name + "] ") + line));
      loops.add(new Thread(reconciler, "node-reconciler-" + name));
    }
    server.start();
    loops.forEach(Thread::start);
    System.out.printf(
        "%s aws simulator ready on %s (clusters %s, %s state)%n",
        Instant.now(),
        config.endpointUrl(),
        simulators.all().stream().map(x -> x.config().clusterName()).toList(),
        resumed ? "resumed" : "new");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  loops.forEach(Thread::interrupt);
                  server.close();
                  stop.countDown();
                }));
    stop.await();
  }
}
