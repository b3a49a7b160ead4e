package io.eksscheduler.sandbox.network;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.BiPredicate;

/**
 * The simulated VPC: an HTTP CONNECT proxy on a Unix socket that the API server uses for its
 * "cluster" egress (webhook calls, as konnectivity does on real control planes) and that maps
 * {@code <node or pod IP>:<port>} to {@code 127.0.0.1:<port>}. Only the listed ports are reachable;
 * nothing is ever dialled off the loopback interface.
 *
 * <p>Why: Endpoints and EndpointSlices may not hold loopback addresses (ValidateEndpointIP in
 * kubernetes pkg/apis/core/validation), so a webhook pod cannot simply have IP 127.0.0.1; its
 * endpoint is a fake VPC address that this proxy turns back into the loopback.
 */
public final class ConnectProxy implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int MAX_HEADER_BYTES = 8_192;
  private static final int MAX_TUNNELS = 64;
  private static final long REAP_INTERVAL_MILLIS = 500;

  private final ServerSocketChannel server;
  private final Set<Integer> allowedPorts;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Semaphore tunnels = new Semaphore(MAX_TUNNELS);
  private final BiPredicate<String, Integer> serving;
  private final Set<Integer> alwaysOpenPorts;
  private final Map<SocketChannel, String> open = new ConcurrentHashMap<>();

  /** Binds the Unix socket {@code socket}; call {@link #serve()} to accept. */
  public ConnectProxy(
      Path socket,
      Set<Integer> allowedPorts,
      Set<Integer> alwaysOpenPorts,
      BiPredicate<String, Integer> serving)
      throws IOException {
    this.allowedPorts = Set.copyOf(allowedPorts);
    this.alwaysOpenPorts = Set.copyOf(alwaysOpenPorts);
    this.serving = serving;
    // sun_path holds 108 bytes: a long sandbox directory cannot host the socket.
    if (socket.toString().length() > 100) {
      throw new IOException(
          "socket path too long (over 100 characters): " + socket + "; use a shorter --dir");
    }
    Files.deleteIfExists(socket);
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
  }

  /** Accepts connections on a background thread until {@link #close()}. */
  public void serve() {
    Thread acceptor = new Thread(this::acceptLoop, "connect-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
    Thread reaper = new Thread(this::reapLoop, "connect-proxy-reaper");
    reaper.setDaemon(true);
    reaper.start();
  }

  /**
   * Closes tunnels whose pod is gone. Without it the API server's kept-alive connection to a
   * webhook would outlive the webhook's pods, since the server behind it never stops.
   */
  private void reapLoop() {
    while (server.isOpen()) {
      try {
        Thread.sleep(REAP_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Map<String, Boolean> verdicts = new HashMap<>();
      open.forEach(
          (channel, target) -> {
            if (!verdicts.computeIfAbsent(target, this::isServed)) {
              System.out.println("proxy: nothing serves " + target + " any more, closing it");
              try {
                channel.close();
              } catch (IOException e) {
                System.out.println("proxy: closing tunnel to " + target + ": " + e.getMessage());
              }
            }
          });
    }
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        if (!tunnels.tryAcquire()) {
          client.close();
          continue;
        }
        pool.execute(
            () -> {
              try (client) {
                tunnel(client);
              } catch (IOException e) {
                System.out.println("proxy: connection ended: " + e.getMessage());
              } finally {
                tunnels.release();
              }
            });
      } catch (IOException e) {
        if (server.isOpen()) {
          System.out.println("proxy: accept failed: " + e.getMessage());
        }
      }
    }
  }

  private void tunnel(SocketChannel client) throws IOException {
    // Raw channel reads and writes: the Channels.newInputStream/newOutputStream adapters share the
    // channel's blocking lock, so a blocked read would stall every write of the other direction.
    String head = readHead(client);
    String[] requestLine = head.split("\r\n", 2)[0].split(" ");
    if (requestLine.length < 2 || !requestLine[0].equals("CONNECT")) {
      reply(client, "405 Method Not Allowed");
      return;
    }
    int port = targetPort(requestLine[1]);
    if (port < 0 || !allowedPorts.contains(port)) {
      System.out.println("proxy: refused CONNECT " + requestLine[1]);
      reply(client, "403 Forbidden");
      return;
    }
    String target = requestLine[1];
    if (!isServed(target)) {
      System.out.println("proxy: nothing serves " + target + ", refusing CONNECT");
      reply(client, "502 Bad Gateway");
      return;
    }
    open.put(client, target);
    try (Socket upstream = new Socket()) {
      upstream.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
      reply(client, "200 Connection established");
      var upstreamToClient =
          pool.submit(
              () -> {
                copyToChannel(upstream.getInputStream(), client);
                return null;
              });
      copyFromChannel(client, upstream.getOutputStream());
      upstream.shutdownOutput();
      try {
        upstreamToClient.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        // The other direction ended with an error; both ends close on return.
      }
    } catch (java.net.ConnectException e) {
      reply(client, "502 Bad Gateway");
    } finally {
      open.remove(client);
    }
  }

  private boolean isServed(String target) {
    int port = targetPort(target);
    return alwaysOpenPorts.contains(port)
        || serving.test(target.substring(0, target.lastIndexOf(':')), port);
  }

  /** The port of {@code host:port}, or -1 when the authority is malformed. */
  static int targetPort(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon < 0) {
      return -1;
    }
    try {
      return Integer.parseInt(authority.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void copyFromChannel(SocketChannel in, OutputStream out) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16_384);
    while (in.read(buffer) >= 0) {
      out.write(buffer.array(), 0, buffer.position());
      out.flush();
      buffer.clear();
    }
  }

  private static void copyToChannel(InputStream in, SocketChannel out) throws IOException {
    byte[] bytes = new byte[16_384];
    int n;
    while ((n = in.read(bytes)) >= 0) {
      writeFully(out, ByteBuffer.wrap(bytes, 0, n));
    }
    out.shutdownOutput();
  }

  private static String readHead(SocketChannel in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    int matched = 0;
    while (head.size() < MAX_HEADER_BYTES) {
      one.clear();
      if (in.read(one) < 0) {
        break;
      }
      byte b = one.get(0);
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        break;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void reply(SocketChannel out, String status) throws IOException {
    writeFully(
        out,
        ByteBuffer.wrap(("HTTP/1.1 " + status + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static void writeFully(SocketChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
