package io.eksscheduler.sandbox.controlplane;

import java.util.List;

/** The loopback ports of one sandbox, chosen free at {@code up} and kept in its state file. */
public record Ports(
    int etcdClient,
    int etcdPeer,
    int apiServer,
    int controllerManager,
    int scheduler,
    int kwok,
    int webhook,
    int aws) {

  /** Chooses eight distinct free ports. */
  public static Ports chooseFree() {
    List<Integer> p = LoopbackPorts.choose(8);
    return new Ports(
        p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6), p.get(7));
  }

  /** The AWS simulator's endpoint, what {@code AWS_ENDPOINT_URL} is set to. */
  public String awsUrl() {
    return "http://127.0.0.1:" + aws;
  }

  public String apiServerUrl() {
    return "https://127.0.0.1:" + apiServer;
  }

  public String etcdUrl() {
    return "http://127.0.0.1:" + etcdClient;
  }
}
