package io.eksscheduler.sandbox.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The HTTPS admission webhook server behind the scenario's webhook Services, with a certificate
 * signed by the sandbox CA; it answers AdmissionReview v1 on any path ending in {@code /validate}
 * or {@code /mutate}.
 */
public final class WebhookServer implements AutoCloseable {

  private static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private final HttpsServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ObjectMapper json = new ObjectMapper();

  /** Binds 127.0.0.1:{@code port} with the key in {@code keyStore} (PKCS#12). */
  public WebhookServer(int port, Path keyStore, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
      store.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(pool);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/healthz")) {
        send(exchange, 200, "ok".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())
          || !(path.endsWith("/validate") || path.endsWith("/mutate"))) {
        send(exchange, 404, new byte[0]);
        return;
      }
      byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES);
      JsonNode review = json.readTree(body);
      JsonNode answer = AdmissionDecision.respond(json, review, path);
      JsonNode request = review.path("request");
      System.out.printf(
          "webhook %s %s %s %s/%s allowed=%s%n",
          path,
          request.path("operation").asText(),
          request.path("kind").path("kind").asText(),
          request.path("namespace").asText(),
          request
              .path("name")
              .asText(request.path("object").path("metadata").path("generateName").asText()),
          answer.path("response").path("allowed").asBoolean());
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      send(exchange, 200, json.writeValueAsBytes(answer));
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
