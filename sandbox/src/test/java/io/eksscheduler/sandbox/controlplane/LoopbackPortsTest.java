package io.eksscheduler.sandbox.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void chosenPortsAreDistinct() {
    List<Integer> ports = LoopbackPorts.choose(20);

    assertEquals(20, new HashSet<>(ports).size());
    assertTrue(ports.stream().allMatch(p -> p > 0 && p < 65536));
  }

  @Test
  void chosenPortCanBeBoundOnLoopback() throws Exception {
    int port = LoopbackPorts.choose(1).get(0);

    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LoopbackPorts.loopback(), port));
      assertTrue(socket.getInetAddress().isLoopbackAddress());
    }
  }
}
