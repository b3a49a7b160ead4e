package io.eksscheduler.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eksscheduler.engine.spi.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Posts what reconcile did to the fleet's webhook: JSON that Slack's incoming webhooks accept (its
 * {@code text}) with structured fields beside it. Bounded (10 s a try, 3 tries on an I/O error, 429
 * or 5xx); a notification that cannot be delivered is reported, never fatal. The URL is a
 * credential: it is never printed, not even in an error.
 */
final class Notifier {
  /** How many tries a notification gets. */
  static final int TRIES = 3;

  /**
   * One notification.
   *
   * @param cluster the cluster
   * @param from its state before: awake, asleep or partial
   * @param to the state the run was to reach
   * @param runId the run
   * @param result {@code succeeded} or {@code failed}
   * @param error what failed, or null
   * @param text the line for people
   */
  record Message(
      String cluster,
      String from,
      String to,
      String runId,
      String result,
      String error,
      String text) {}

  private final URI url;
  private final HttpClient http;
  private final Sleeper sleeper;

  Notifier(URI url, Sleeper sleeper) {
    this.url = url;
    this.sleeper = sleeper;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** The JSON body of {@code m}. */
  static String body(Message m) {
    ObjectNode o = App.json().createObjectNode();
    o.put("text", m.text())
        .put("cluster", m.cluster())
        .put("from", m.from())
        .put("to", m.to())
        .put("runId", m.runId())
        .put("result", m.result())
        .put("error", m.error());
    return o.toString();
  }

  /**
   * Posts {@code m}; returns empty when the webhook took it, else what went wrong (without the
   * URL).
   */
  java.util.Optional<String> send(Message m) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(m)))
            .build();
    String last = "";
    for (int attempt = 1; attempt <= TRIES; attempt++) {
      if (attempt > 1) {
        sleeper.sleep(Duration.ofSeconds(attempt - 1));
      }
      try {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        int code = response.statusCode();
        if (code / 100 == 2) {
          return java.util.Optional.empty();
        }
        last = "the webhook answered HTTP " + code;
        if (code != 429 && code / 100 != 5) {
          break;
        }
      } catch (IOException e) {
        // The message of a connection error may name the host; the class alone says enough.
        last = "the webhook could not be reached (" + e.getClass().getSimpleName() + ")";
      }
    }
    return java.util.Optional.of(last);
  }

  /** The webhook's URL as a URI, or why it is not one (without echoing it). */
  static URI parse(String url, String source) {
    try {
      URI uri = URI.create(url.trim());
      if (!List.of("http", "https").contains(String.valueOf(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the notification webhook URL from " + source + " is not an http(s) URL");
    }
  }
}
