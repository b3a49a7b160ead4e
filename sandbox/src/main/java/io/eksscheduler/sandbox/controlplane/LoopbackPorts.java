package io.eksscheduler.sandbox.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks free TCP ports on 127.0.0.1 so that several sandboxes (and a developer's own cluster) can
 * run side by side; never a fixed port.
 */
public final class LoopbackPorts {

  private LoopbackPorts() {}

  /** The loopback address every sandbox component listens on and dials. */
  public static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }

  /**
   * Returns {@code count} distinct ports that were free a moment ago. All sockets are held open
   * until every port is chosen, so the kernel cannot hand out the same port twice; a process could
   * still take one before the component binds it, which the component then reports at start.
   */
  public static List<Integer> choose(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        held.add(socket);
        // No SO_REUSEADDR: a port in TIME_WAIT would be given to us but refused to etcd.
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(loopback(), 0));
        ports.add(socket.getLocalPort());
      }
      return List.copyOf(ports);
    } catch (IOException e) {
      throw new UncheckedIOException("choosing " + count + " free ports on 127.0.0.1: " + e, e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException e) {
          // Closing a listening socket that never accepted cannot lose data; the port is free.
        }
      }
    }
  }
}
